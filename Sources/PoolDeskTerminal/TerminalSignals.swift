import CNcurses

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Signal handling that keeps the user's terminal usable on every exit path.
///
/// Crash signals (SIGILL/SIGTRAP from Swift traps, SIGSEGV, SIGABRT, SIGBUS, SIGFPE) restore the
/// terminal from a C handler and then die with the signal. The first SIGTERM, SIGHUP or SIGINT
/// only sets ``pendingTermination``; the run loop must poll it, call `restore()` and exit
/// (``exitForPendingSignal()``). A second one restores the terminal directly and kills the process.
///
/// This is the only Swift file that may call the `pd_sig_*` shim functions: their state is
/// `static` in the C header, and every object file that calls them gets its own copy. Every
/// member is `@inline(never)` so an optimized build cannot inline a call into another file.
public enum TerminalSignals {
    /// Installs the handlers; idempotent. ``TerminalScreen/start()`` calls it before `newterm`.
    @inline(never)
    public static func install() {
        guard pd_sig_is_installed() == 0 else { return }
        // The handlers' state lives in memory Swift owns (see shim.h); it is never freed
        // because a signal may arrive at any time until the process ends.
        let storage = UnsafeMutablePointer<pd_sig_storage>.allocate(capacity: 1)
        UnsafeMutableRawPointer(storage).initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<pd_sig_storage>.size)
        pd_sig_install(storage)
    }

    /// True once SIGTERM, SIGHUP, SIGINT or SIGQUIT arrived while the screen was up: restore and exit.
    @inline(never)
    public static var pendingTermination: Bool { pd_sig_pending_signal() != 0 }

    /// The termination signal waiting to be acted on, if any.
    @inline(never)
    public static var pendingSignal: Int32? {
        let signal = pd_sig_pending_signal()
        return signal == 0 ? nil : signal
    }

    /// Exits the way the pending signal would have by default (so the parent sees "killed by SIGTERM");
    /// call after `restore()`. Exits with status 0 when no signal is pending.
    @inline(never)
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
    @inline(never)
    static func saveTerminalModes() {
        pd_sig_save_terminal_modes()
    }

    /// Tells the handlers whether curses owns the terminal (and escape sequences may be written).
    @inline(never)
    static func setScreenActive(_ active: Bool) {
        pd_sig_set_screen_active(active ? 1 : 0)
    }
}
