// Prints the class (L, N, M or O) ICU gives every non-ASCII, non-space code
// point, one per line; scripts/gen-unicode-delta compares it with tiktoken.
#include <unicode/uchar.h>
#include <cstdio>
int main() {
  for (UChar32 c = 0x80; c <= 0x10FFFF; ++c) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    if (u_hasBinaryProperty(c, UCHAR_WHITE_SPACE)) continue;
    char k = 'O';
    uint32_t m = U_GET_GC_MASK(c);
    if (m & U_GC_L_MASK) k = 'L'; else if (m & U_GC_N_MASK) k = 'N'; else if (m & U_GC_M_MASK) k = 'M';
    std::printf("%x\t%c\n", c, k);
  }
}
