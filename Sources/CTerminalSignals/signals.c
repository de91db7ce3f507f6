// Signal handlers that keep the user's terminal usable on every exit path.
//
// Everything a handler touches is a file-scope object of this one translation unit, so there is
// exactly one copy per process whatever number of Swift files call the functions in
// terminal_signals.h.

// The same wide-character switches as the CNcurses shim, before any include (SwiftPM drops the
// -D flags pkg-config reports for ncursesw); only endwin/isendwin are used here.
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include "terminal_signals.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <ncursesw/curses.h>

static struct termios pd_sig_saved_termios;
static struct sigaction pd_sig_previous[NSIG];
/// A stack overflow arrives as SIGSEGV with no stack left; the handlers run on this one then.
static char pd_sig_alternate_stack[64 * 1024];
static volatile sig_atomic_t pd_sig_installed = 0;
static volatile sig_atomic_t pd_sig_have_termios = 0;
/// 1 while curses owns the terminal: only then may a handler write escape sequences to stdout.
static volatile sig_atomic_t pd_sig_screen_active = 0;
/// The first termination signal (SIGTERM/SIGHUP/SIGINT/SIGQUIT) not yet acted on, or 0.
static volatile sig_atomic_t pd_sig_pending = 0;

/// Reset attributes, show the cursor, bracketed paste off, keypad-transmit off, leave the alternate screen.
#define PD_SIG_RESTORE_SEQUENCE "\033[0m\033[?25h\033[?2004l\033[?1l\033>\033[?1049l\r\n"

/// Puts the terminal back the way the shell left it using only async-signal-safe calls:
/// reset attributes, show the cursor, leave keypad-transmit mode and the alternate screen,
/// then reinstate the termios saved before curses started.
static void pd_sig_hard_restore(void) {
    if (!pd_sig_screen_active) return;
    pd_sig_screen_active = 0;
    ssize_t ignored = write(STDOUT_FILENO, PD_SIG_RESTORE_SEQUENCE, sizeof PD_SIG_RESTORE_SEQUENCE - 1);
    (void)ignored;
    if (pd_sig_have_termios) tcsetattr(STDIN_FILENO, TCSAFLUSH, &pd_sig_saved_termios);
}

/// Crash signals: restore, then die with the signal. A real fault is handed to the previous
/// disposition (SIG_DFL, or Swift's backtracer, whose report then lands on the main screen).
static void pd_sig_crash_handler(int sig, siginfo_t *info, void *context) {
    (void)context;
    pd_sig_hard_restore();
    int sent_by_process = info == NULL || info->si_code <= 0;  // kill(2), raise(3), abort(3)
#if defined(__x86_64__) || defined(__i386__)
    int resumes_after_trap = sig == SIGTRAP;  // x86 int3 resumes after the instruction
#else
    int resumes_after_trap = 0;
#endif
    if ((sent_by_process && sig != SIGABRT) || resumes_after_trap) {
        // Nothing would re-deliver it (Swift's backtracer just returns for a kill(2)ed SIGSEGV),
        // so die by the default action.
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    struct sigaction previous = pd_sig_previous[sig];
    if (!(previous.sa_flags & SA_SIGINFO) && previous.sa_handler == SIG_IGN) previous.sa_handler = SIG_DFL;
    sigaction(sig, &previous, NULL);
    // A CPU fault re-executes its instruction on return and faults again under the previous
    // action, with its real context. abort() re-raises SIGABRT itself once the handler returns.
}

/// Termination signals: the first one only sets a flag for the run loop, which restores with
/// endwin and exits. A second one, or one while no screen is up, restores hard and dies.
static void pd_sig_termination_handler(int sig) {
    if (pd_sig_pending == 0 && pd_sig_screen_active) {
        pd_sig_pending = sig;
        return;
    }
    pd_sig_hard_restore();
    signal(sig, SIG_DFL);
    raise(sig);
}

/// atexit hook: a process that calls exit() with the screen still up gets a proper endwin.
static void pd_sig_atexit_restore(void) {
    if (pd_sig_screen_active && !isendwin()) endwin();
    pd_sig_hard_restore();
}

int pd_sig_is_installed(void) { return pd_sig_installed != 0; }

void pd_sig_install(void) {
    if (pd_sig_installed) return;
    pd_sig_installed = 1;

    // Keep Swift's alternate stack if one is set.
    stack_t current;
    if (sigaltstack(NULL, &current) == 0 && (current.ss_flags & SS_DISABLE)) {
        stack_t alternate;
        memset(&alternate, 0, sizeof alternate);
        alternate.ss_sp = pd_sig_alternate_stack;
        alternate.ss_size = sizeof pd_sig_alternate_stack;
        sigaltstack(&alternate, NULL);
    }

    const int crash_signals[] = { SIGILL, SIGTRAP, SIGSEGV, SIGABRT, SIGBUS, SIGFPE };
    for (size_t i = 0; i < sizeof crash_signals / sizeof crash_signals[0]; i++) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_sigaction = pd_sig_crash_handler;
        action.sa_flags = SA_SIGINFO | SA_ONSTACK;
        sigemptyset(&action.sa_mask);
        sigaction(crash_signals[i], &action, &pd_sig_previous[crash_signals[i]]);
    }

    // SIGQUIT (Ctrl-\ before raw mode, kill -QUIT) too: left to Swift's runtime it prints a crash report over
    // the screen and stalls; here it restores and exits like SIGTERM.
    const int termination_signals[] = { SIGTERM, SIGHUP, SIGINT, SIGQUIT };
    for (size_t i = 0; i < sizeof termination_signals / sizeof termination_signals[0]; i++) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = pd_sig_termination_handler;
        // No SA_RESTART: a blocked wget_wch returns early, so the run loop notices at once.
        action.sa_flags = 0;
        sigemptyset(&action.sa_mask);
        sigaddset(&action.sa_mask, SIGTERM);
        sigaddset(&action.sa_mask, SIGHUP);
        sigaddset(&action.sa_mask, SIGINT);
        sigaddset(&action.sa_mask, SIGQUIT);
        sigaction(termination_signals[i], &action, &pd_sig_previous[termination_signals[i]]);
    }

    atexit(pd_sig_atexit_restore);
}

void pd_sig_save_terminal_modes(void) {
    if (!pd_sig_installed) return;
    if (tcgetattr(STDIN_FILENO, &pd_sig_saved_termios) == 0) pd_sig_have_termios = 1;
}

void pd_sig_set_screen_active(int active) { pd_sig_screen_active = active ? 1 : 0; }

int pd_sig_pending_signal(void) { return (int)pd_sig_pending; }

void pd_sig_raise_default(int sig) {
    signal(sig, SIG_DFL);
    sigset_t unblock;
    sigemptyset(&unblock);
    sigaddset(&unblock, sig);
    sigprocmask(SIG_UNBLOCK, &unblock, NULL);
    raise(sig);
}
