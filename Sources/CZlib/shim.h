#ifndef PORTRAIT_CZLIB_SHIM_H
#define PORTRAIT_CZLIB_SHIM_H

// zlib, for feeds delivered gzip-compressed (`orders.xml.gz`): inflated as the parser pulls bytes.
#include <zlib.h>

#endif
