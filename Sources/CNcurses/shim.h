#ifndef POOLDESK_CNCURSES_SHIM_H
#define POOLDESK_CNCURSES_SHIM_H

// SwiftPM drops the -D flags pkg-config reports for ncursesw, so the wide-character API
// (cchar_t, setcchar, wget_wch, mvwadd_wchnstr) must be switched on here, before any include.
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <locale.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>
#include <ncursesw/curses.h>

// Swift 6 cannot use ncurses' macros and mutable globals (stdscr, LINES, COLORS, A_BOLD,
// KEY_*, getmaxyx, stdout), so each one PoolDesk needs is wrapped in a static inline function.

// MARK: - Screen lifecycle

/// Applies the user's locale; without it ncursesw treats every non-ASCII glyph as unprintable.
static inline void pd_setlocale_from_environment(void) { setlocale(LC_ALL, ""); }

/// Opens a screen on stdout/stdin for `term` (NULL: $TERM). Returns NULL, never exits, when the
/// terminal type is unknown: unlike initscr, newterm passes an error out-parameter to setupterm.
static inline SCREEN *pd_newterm(const char *term) { return newterm(term, stdout, stdin); }

static inline WINDOW *pd_stdscr(void) { return stdscr; }
static inline WINDOW *pd_curscr(void) { return curscr; }
static inline int pd_lines(void) { return LINES; }
static inline int pd_cols(void) { return COLS; }
static inline int pd_colors(void) { return COLORS; }
static inline int pd_color_pairs(void) { return COLOR_PAIRS; }

/// True when the terminal description has absolute cursor motion (`cup`), which a full-screen UI needs.
static inline int pd_has_cursor_addressing(void) {
    char *cup = tigetstr("cup");
    return cup != NULL && cup != (char *)-1;
}

// MARK: - Attributes and cells

static inline attr_t pd_attr_normal(void) { return A_NORMAL; }
static inline attr_t pd_attr_bold(void) { return A_BOLD; }
static inline attr_t pd_attr_underline(void) { return A_UNDERLINE; }
static inline attr_t pd_attr_reverse(void) { return A_REVERSE; }
static inline attr_t pd_attr_dim(void) { return A_DIM; }
static inline attr_t pd_attr_italic(void) { return A_ITALIC; }

/// Fills `cell` with one character; `pair` goes through setcchar's `opts` pointer, which
/// ncurses >= 6.1 reads as an extended (int) pair number, so pairs above 32767 work.
static inline int pd_set_cell(cchar_t *cell, uint32_t scalar, attr_t attrs, int pair) {
    wchar_t text[2] = { (wchar_t)scalar, 0 };
    return setcchar(cell, text, attrs, 0, &pair);
}

/// Writes `count` cells at (y, x) on stdscr. add_wchnstr never moves the cursor, wraps or
/// scrolls, so writing the bottom-right cell is safe.
static inline int pd_put_cells(int y, int x, const cchar_t *cells, int count) {
    return mvwadd_wchnstr(stdscr, y, x, cells, count);
}

/// Columns a character occupies (glibc hides wcwidth's prototype unless _XOPEN_SOURCE is set
/// before the system headers, which Swift's Glibc module map does not do).
extern int wcwidth(wchar_t);
static inline int pd_wcwidth(uint32_t scalar) { return wcwidth((wchar_t)scalar); }

// MARK: - Keys

/// Reads one key: returns OK (character in *key), KEY_CODE_YES (KEY_* code in *key) or ERR (timeout).
static inline int pd_get_wch(wint_t *key) { return wget_wch(stdscr, key); }
static inline int pd_ok(void) { return OK; }
static inline int pd_err(void) { return ERR; }
static inline int pd_key_code_yes(void) { return KEY_CODE_YES; }

static inline int pd_key_down(void) { return KEY_DOWN; }
static inline int pd_key_up(void) { return KEY_UP; }
static inline int pd_key_left(void) { return KEY_LEFT; }
static inline int pd_key_right(void) { return KEY_RIGHT; }
static inline int pd_key_sleft(void) { return KEY_SLEFT; }
static inline int pd_key_sright(void) { return KEY_SRIGHT; }
static inline int pd_key_home(void) { return KEY_HOME; }
static inline int pd_key_end(void) { return KEY_END; }
static inline int pd_key_shome(void) { return KEY_SHOME; }
static inline int pd_key_send(void) { return KEY_SEND; }
static inline int pd_key_ll(void) { return KEY_LL; }
static inline int pd_key_npage(void) { return KEY_NPAGE; }
static inline int pd_key_ppage(void) { return KEY_PPAGE; }
static inline int pd_key_backspace(void) { return KEY_BACKSPACE; }
static inline int pd_key_dc(void) { return KEY_DC; }
static inline int pd_key_enter(void) { return KEY_ENTER; }
static inline int pd_key_btab(void) { return KEY_BTAB; }
static inline int pd_key_resize(void) { return KEY_RESIZE; }
static inline int pd_key_f0(void) { return KEY_F0; }

// MARK: - Bracketed paste
//
// With mode 2004 on, the terminal wraps pasted text in ESC[200~ … ESC[201~. ncurses does not know these
// sequences, so they are defined as two private key codes above KEY_MAX; the backend collects what comes
// between them into one paste, which is text for the focused field and never key commands.

static inline int pd_key_paste_begin(void) { return KEY_MAX + 1; }
static inline int pd_key_paste_end(void) { return KEY_MAX + 2; }

static inline void pd_enable_bracketed_paste(void) {
    define_key("\033[200~", KEY_MAX + 1);
    define_key("\033[201~", KEY_MAX + 2);
    fputs("\033[?2004h", stdout);
    fflush(stdout);
}

static inline void pd_disable_bracketed_paste(void) {
    fputs("\033[?2004l", stdout);
    fflush(stdout);
}

// MARK: - Signal-safe terminal restore
//
// The state below has internal linkage, and Swift emits a private copy of a header's static
// functions and variables into every object file that uses them. So these pd_sig_* functions
// must be called from ONE Swift file only (PoolDeskTerminal/TerminalSignals.swift); a second
// caller would see its own, never-set copy of the flags.

/// Everything the handlers need that is not a scalar. Swift's importer emits a header's static
/// scalars (and pointers), but not static structs, arrays or function-local statics (the link
/// fails with undefined symbols), so Swift allocates this once and hands it to pd_sig_install.
struct pd_sig_storage {
    struct termios saved_termios;
    struct sigaction previous[NSIG];
    char alternate_stack[64 * 1024];
};
static struct pd_sig_storage *pd_sig_state = NULL;
static volatile sig_atomic_t pd_sig_have_termios = 0;
/// 1 while curses owns the terminal: only then may a handler write escape sequences to stdout.
static volatile sig_atomic_t pd_sig_screen_active = 0;
/// The first termination signal (SIGTERM/SIGHUP/SIGINT) not yet acted on, or 0.
static volatile sig_atomic_t pd_sig_pending = 0;

#define PD_SIG_RESTORE_SEQUENCE "\033[0m\033[?25h\033[?2004l\033[?1l\033>\033[?1049l\r\n"

/// Puts the terminal back the way the shell left it using only async-signal-safe calls:
/// reset attributes, show the cursor, leave keypad-transmit mode and the alternate screen,
/// then reinstate the termios saved before curses started.
static inline void pd_sig_hard_restore(void) {
    if (!pd_sig_screen_active) return;
    pd_sig_screen_active = 0;
    ssize_t ignored = write(STDOUT_FILENO, PD_SIG_RESTORE_SEQUENCE, sizeof PD_SIG_RESTORE_SEQUENCE - 1);
    (void)ignored;
    if (pd_sig_have_termios) tcsetattr(STDIN_FILENO, TCSAFLUSH, &pd_sig_state->saved_termios);
}

/// Crash signals: restore, then die with the signal. A real fault is handed to the previous
/// disposition (SIG_DFL, or Swift's backtracer, whose report then lands on the main screen).
static inline void pd_sig_crash_handler(int sig, siginfo_t *info, void *context) {
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
    struct sigaction previous = pd_sig_state->previous[sig];
    if (!(previous.sa_flags & SA_SIGINFO) && previous.sa_handler == SIG_IGN) previous.sa_handler = SIG_DFL;
    sigaction(sig, &previous, NULL);
    // A CPU fault re-executes its instruction on return and faults again under the previous
    // action, with its real context. abort() re-raises SIGABRT itself once the handler returns.
}

/// Termination signals: the first one only sets a flag for the run loop, which restores with
/// endwin and exits. A second one, or one while no screen is up, restores hard and dies.
static inline void pd_sig_termination_handler(int sig) {
    if (pd_sig_pending == 0 && pd_sig_screen_active) {
        pd_sig_pending = sig;
        return;
    }
    pd_sig_hard_restore();
    signal(sig, SIG_DFL);
    raise(sig);
}

/// atexit hook: a process that calls exit() with the screen still up gets a proper endwin.
static inline void pd_sig_atexit_restore(void) {
    if (pd_sig_screen_active && !isendwin()) endwin();
    pd_sig_hard_restore();
}

/// Installs the handlers once. Must run before newterm, so that ncurses sees non-default
/// SIGINT/SIGTERM handlers and does not install its own exit-on-signal handlers.
static inline int pd_sig_is_installed(void) { return pd_sig_state != NULL; }

/// `storage` must be zeroed and live forever; later calls are ignored.
static inline void pd_sig_install(struct pd_sig_storage *storage) {
    if (pd_sig_state != NULL || storage == NULL) return;
    pd_sig_state = storage;

    // A stack overflow arrives as SIGSEGV with no stack left; keep Swift's alternate stack if set.
    stack_t current;
    if (sigaltstack(NULL, &current) == 0 && (current.ss_flags & SS_DISABLE)) {
        stack_t alternate;
        memset(&alternate, 0, sizeof alternate);
        alternate.ss_sp = pd_sig_state->alternate_stack;
        alternate.ss_size = sizeof pd_sig_state->alternate_stack;
        sigaltstack(&alternate, NULL);
    }

    const int crash_signals[] = { SIGILL, SIGTRAP, SIGSEGV, SIGABRT, SIGBUS, SIGFPE };
    for (size_t i = 0; i < sizeof crash_signals / sizeof crash_signals[0]; i++) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_sigaction = pd_sig_crash_handler;
        action.sa_flags = SA_SIGINFO | SA_ONSTACK;
        sigemptyset(&action.sa_mask);
        sigaction(crash_signals[i], &action, &pd_sig_state->previous[crash_signals[i]]);
    }

    // SIGQUIT (Ctrl-\\ before raw mode, kill -QUIT) too: left to Swift's runtime it prints a crash report over
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
        sigaction(termination_signals[i], &action, &pd_sig_state->previous[termination_signals[i]]);
    }

    atexit(pd_sig_atexit_restore);
}

/// Saves the shell's terminal modes for the hard restore path; call before newterm.
static inline void pd_sig_save_terminal_modes(void) {
    if (pd_sig_state == NULL) return;
    if (tcgetattr(STDIN_FILENO, &pd_sig_state->saved_termios) == 0) pd_sig_have_termios = 1;
}

static inline void pd_sig_set_screen_active(int active) { pd_sig_screen_active = active ? 1 : 0; }
static inline int pd_sig_pending_signal(void) { return (int)pd_sig_pending; }

/// Ends the process the way `sig` would by default, after the caller restored the terminal.
static inline void pd_sig_raise_default(int sig) {
    signal(sig, SIG_DFL);
    sigset_t unblock;
    sigemptyset(&unblock);
    sigaddset(&unblock, sig);
    sigprocmask(SIG_UNBLOCK, &unblock, NULL);
    raise(sig);
}

#endif
