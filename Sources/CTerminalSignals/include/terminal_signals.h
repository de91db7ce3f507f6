#ifndef POOLDESK_TERMINAL_SIGNALS_H
#define POOLDESK_TERMINAL_SIGNALS_H

// Signal-safe terminal restore for PoolDesk's ncurses screen.
//
// The handlers' state (saved termios, previous dispositions, the pending-signal flag) lives in
// signals.c with one definition for the whole process, so any Swift file may call these
// functions. (It used to be `static` in the CNcurses header, where every object file that
// included it got its own, never-set copy.)

/// Installs the crash and termination handlers and the atexit hook, once; later calls are ignored.
/// Must run before newterm, so that ncurses sees non-default SIGINT/SIGTERM handlers and does not
/// install its own exit-on-signal handlers.
void pd_sig_install(void);

/// 1 once pd_sig_install has run.
int pd_sig_is_installed(void);

/// Saves the shell's terminal modes for the hard restore path; call after install, before newterm.
void pd_sig_save_terminal_modes(void);

/// Tells the handlers whether curses owns the terminal: only then may they write escape sequences.
void pd_sig_set_screen_active(int active);

/// The first termination signal (SIGTERM/SIGHUP/SIGINT/SIGQUIT) not yet acted on, or 0.
int pd_sig_pending_signal(void);

/// Ends the process the way `sig` would by default (unblocking it first), after the caller restored
/// the terminal. Returns only if the default action does not terminate.
void pd_sig_raise_default(int sig);

#endif
