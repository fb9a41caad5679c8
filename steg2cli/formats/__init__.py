"""Pure modules for the files that leave or enter MÄN: plain dataclasses in, bytes out (or back)."""
