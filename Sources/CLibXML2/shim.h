#ifndef PORTRAIT_CLIBXML2_SHIM_H
#define PORTRAIT_CLIBXML2_SHIM_H

// libxml2's headers include the system ICU when LIBXML_ICU_ENABLED is set; Foundation on Linux ships its own
// ICU, and the two can clash in one Swift module. Portrait uses none of libxml2's ICU API, so the headers are read
// without it. (XMLReaderTests imports Foundation and CLibXML2 together to keep this honest.)
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlerror.h>

#endif
