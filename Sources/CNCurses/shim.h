#ifndef ROUNDS_CNCURSES_SHIM_H
#define ROUNDS_CNCURSES_SHIM_H
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <wchar.h>
#include <ncursesw/ncurses.h>

extern int wcwidth(wchar_t);
extern int wcswidth(const wchar_t *, size_t);

/* Macros Swift cannot import: computed here in C. */
static const attr_t rounds_A_BOLD = A_BOLD;
static const attr_t rounds_A_REVERSE = A_REVERSE;
static const attr_t rounds_A_UNDERLINE = A_UNDERLINE;
static const attr_t rounds_A_DIM = A_DIM;
static const attr_t rounds_A_ITALIC = A_ITALIC;
static const mmask_t rounds_ALL_MOUSE_EVENTS = ALL_MOUSE_EVENTS;
static const mmask_t rounds_BUTTON1_CLICKED = BUTTON1_CLICKED;
static const mmask_t rounds_BUTTON1_PRESSED = BUTTON1_PRESSED;
static const mmask_t rounds_BUTTON4_PRESSED = BUTTON4_PRESSED;
static const mmask_t rounds_BUTTON5_PRESSED = BUTTON5_PRESSED;
static inline int rounds_KEY_F(int n) { return KEY_F(n); }
static inline WINDOW *rounds_stdscr(void) { return stdscr; }
static inline int rounds_LINES(void) { return LINES; }
static inline int rounds_COLS(void) { return COLS; }
static inline int rounds_COLORS(void) { return COLORS; }
#endif
