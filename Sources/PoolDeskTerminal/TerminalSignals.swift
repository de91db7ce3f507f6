import CTerminalSignals

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Signal handling that keeps the user's terminal usable on every exit path.
///
/// Crash signals (SIGILL/SIGTRAP from Swift traps, SIGSEGV, SIGABRT, SIGBUS, SIGFPE) restore the
/// terminal from a C handler and then die with the signal. The first SIGTERM, SIGHUP, SIGINT or
/// SIGQUIT only sets ``pendingTermination``; the run loop must poll it, call `restore()` and exit
/// (``exitForPendingSignal()``). A second one restores the terminal directly and kills the process.
///
/// The handlers and their state are C (`Sources/CTerminalSignals/signals.c`), because a handler
/// may only make async-signal-safe calls; the state has one definition per process there, and
/// this enum is the Swift face of it.
public enum TerminalSignals {
    /// Installs the handlers; idempotent. ``TerminalScreen/start()`` calls it before `newterm`.
    public static func install() {
        pd_sig_install()
    }

    /// True once SIGTERM, SIGHUP, SIGINT or SIGQUIT arrived while the screen was up: restore and exit.
    public static var pendingTermination: Bool { pd_sig_pending_signal() != 0 }

    /// The termination signal waiting to be acted on, if any.
    public static var pendingSignal: Int32? {
        let signal = pd_sig_pending_signal()
        return signal == 0 ? nil : signal
    }

    /// Exits the way the pending signal would have by default (so the parent sees "killed by SIGTERM");
    /// call after `restore()`. Exits with status 0 when no signal is pending.
    public static func exitForPendingSignal() -> Never {
        if let signal = pendingSignal {
            // SIGQUIT's default action dumps core; a user who asked to quit wants an exit, not a core file.
            if signal == SIGQUIT { exit(128 + signal) }
            pd_sig_raise_default(signal)
            // Only reached if the default action does not terminate; keep the shell convention.
            exit(128 + signal)
        }
        exit(0)
    }

    /// Saves the shell's termios for the crash path; must run before curses changes the modes.
    static func saveTerminalModes() {
        pd_sig_save_terminal_modes()
    }

    /// Tells the handlers whether curses owns the terminal (and escape sequences may be written).
    static func setScreenActive(_ active: Bool) {
        pd_sig_set_screen_active(active ? 1 : 0)
    }
}
