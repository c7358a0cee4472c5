// Printable: text from outside (object keys, manifest names, endpoints), made
// safe to print for people, one item per line.
//
// A key may hold a newline, which would split one line of `shoal ls` into
// two, or an escape sequence, which a terminal would obey. So text output
// shows such bytes C-style, as `ls -b` does: \n, \r, \t, \xNN for the other
// control bytes and DEL, and \\ for the backslash itself, which keeps the
// form unambiguous. Other bytes, UTF-8 included, are shown as they are.
// Machine-readable output (JSON) does not need this: its escaping is exact.
#pragma once

#include <string>
#include <string_view>

namespace shoal {

bool IsControlByte(unsigned char c);
bool HasControlByte(std::string_view text);
std::string Printable(std::string_view text);

}  // namespace shoal
