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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>
#include <ncursesw/curses.h>

// Swift 6 cannot use ncurses' macros and mutable globals (stdscr, LINES, COLORS, A_BOLD,
// KEY_*, getmaxyx, stdout), so each one PoolDesk needs is wrapped in a static inline function.
// This header holds only such stateless wrappers: Swift emits a private copy of a header's
// static functions and variables into every object file that uses them, so any state (the
// signal handlers' flags) lives in the CTerminalSignals C target instead.

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

#endif
