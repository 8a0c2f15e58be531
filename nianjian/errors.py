"""Errors that are the user's to fix: the CLI prints them on one line and exits 2, no traceback."""


class UserError(Exception):
    """Bad input, bad configuration, unreadable file: say what and where, then stop."""
    exit_code = 2


# A missing file points to the sample to start from.
SAMPLES = {"sources file": "data/sources.sample.yaml", "config file": "data/nianjian.sample.toml"}


def read_user_file(path, what: str) -> str:
    """The UTF-8 text of a file the user names (sources, config); UserError when it cannot be
    read or is not UTF-8 (a file saved as GBK is a common mistake on Chinese desktops)."""
    try:
        return path.read_text("utf-8")
    except UnicodeDecodeError as error:
        raise UserError(f"{path}: not UTF-8 text (byte {error.start}); save the {what} as UTF-8") from None
    except FileNotFoundError:
        sample = f" (start from the sample: cp {SAMPLES[what]} {path})" if what in SAMPLES else ""
        raise UserError(f"no {what} at {path}{sample}") from None
    except OSError as error:
        raise UserError(f"cannot read {what} {path}: {error.strerror or error}") from None
