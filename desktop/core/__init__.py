"""Pure domain: no Qt, no SQL, no I/O. Everything here is a value or a function over values."""
