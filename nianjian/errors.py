"""Errors that are the user's to fix: the CLI prints them on one line and exits 2, no traceback.
What they say lives in nianjian/commands/words.yaml (`errors:`), Chinese first."""
from __future__ import annotations

from nianjian.commands import WORDS


class UserError(Exception):
    """Bad input, bad configuration, unreadable file: say what and where, then stop."""
    exit_code = 2

    @classmethod
    def said(cls, message: str, /, **values) -> "UserError":
        """The mistake `message` of words.yaml's `errors:` (a dotted path, e.g. "config.unknown_key"),
        filled with `values`: keys, paths and values as the user typed them."""
        words = WORDS["errors"]
        for part in message.split("."):
            words = words[part]
        return cls(words.format(**values))


# A missing file points to the sample to start from.
SAMPLES = {"sources": "data/sources.sample.yaml", "config": "data/nianjian.sample.toml"}


def no_file(path, what: str) -> UserError:
    """No `what` ("sources", "config": words.yaml `errors.files`) at `path`: start from the sample."""
    return UserError.said("no_file", what=WORDS["errors"]["files"][what], path=path, sample=SAMPLES[what])


def read_user_file(path, what: str) -> str:
    """The UTF-8 text of a file the user names (`what`: "sources", "config"); UserError when it
    cannot be read or is not UTF-8 (a file saved as GBK is a common mistake on Chinese desktops)."""
    try:
        return path.read_text("utf-8")
    except UnicodeDecodeError as error:
        raise UserError.said("not_utf8", path=path, byte=error.start,
                             what=WORDS["errors"]["files"][what]) from None
    except FileNotFoundError:
        raise no_file(path, what) from None
    except OSError as error:
        raise UserError.said("cannot_read", path=path, error=error.strerror or error,
                             what=WORDS["errors"]["files"][what]) from None


def error_line(prog: str, message) -> str:
    """The one line on stderr for a mistake: `nianjian crawl: 错误 error: …`."""
    return WORDS["errors"]["line"].format(prog=prog, message=message)
