"""One module per `nianjian` subcommand; each defines `register(subparsers)`."""
