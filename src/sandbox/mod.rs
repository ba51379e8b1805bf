//! The sandbox: a faithful, stateful emulator of the CBC API.
