/*
 * A stand-in bcryptprimitives.dll for checking Photo Atlas under Wine 8 only.
 *
 * Rust's standard library asks Windows for random bytes through ProcessPrng in
 * bcryptprimitives.dll (present on Windows 10 and later). Debian 12's Wine 8 has no
 * ProcessPrng, so no Rust program starts under it. check-windows.sh builds this
 * file with mingw and gives it to the Wine prefix (never to the installer): it
 * answers ProcessPrng with SystemFunction036 (RtlGenRandom), which Wine has.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
