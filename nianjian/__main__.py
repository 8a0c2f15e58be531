from nianjian.cli import main

raise SystemExit(main())
