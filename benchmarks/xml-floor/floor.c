// The floor under an xml_feed import, end to end, in C: libxml2's streaming reader (the parse options the
// connector uses) pulls each order of the benchmark feed, its attributes and element texts are written out as a
// JSON-like raw text and a second, longer "canonical" text (plain copies: no transforms, no validation, no
// escaping, no content hash), and batches of 1,024 orders go, two in flight, to a writer thread that inserts them
// into the records table of migration v4 with the statement `portrait sync` uses, while a third thread copies the
// log back into the database (passive checkpoints on its own connection), as the store's `WALCheckpointer` does.
//
// It is the least any implementation of the issue can do on this machine: whatever `portrait sync` takes beyond
// this is mapping, validation, hashing and Swift. With `sax` the orders are read through libxml2's SAX2 callbacks
// instead of the reader (which builds and frees a node per element), to tell what that choice is worth.
// Usage: floor FEED DB [sax]   (benchmarks/xml-floor/run.sh)
#include <libxml/xmlreader.h>
#include <pthread.h>
#include <sqlite3.h>
#include "../sqlite-floor/records.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

enum { batchSize = 1024, textBytes = 2048 };

typedef struct {
    char id[32];
    char location[48];
    char raw[textBytes];
    char canonical[textBytes];
    int rawLength, canonicalLength;
} Row;

typedef struct {
    Row rows[batchSize];
    int count;
    int last;
} Batch;

// Two batches in flight: the reader fills one while the writer inserts the other.
static Batch batches[2];
static int filled[2];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int checkpointWanted, writerDone;
static const char *databasePath;
static int checkpoints;
static double readerWaited, writerWaited, finalCheckpoint;

static void append(char *buffer, int *length, const char *text, int count) {
    if (*length + count < textBytes) {
        memcpy(buffer + *length, text, count);
        *length += count;
    }
}

// Appends `"name":"value",` for one attribute or element text.
static void appendField(char *buffer, int *length, const xmlChar *name, const xmlChar *value) {
    append(buffer, length, "\"", 1);
    append(buffer, length, (const char *)name, (int)strlen((const char *)name));
    append(buffer, length, "\":\"", 3);
    append(buffer, length, (const char *)value, (int)strlen((const char *)value));
    append(buffer, length, "\",", 2);
}

// Like the store's `WALCheckpointer`: every 16 MiB of log the writer's commit asks for a passive checkpoint
// beside it; past 256 MiB the writer finishes the copy itself so that the log starts over.
static int walHook(void *unused, sqlite3 *db, const char *name, int frames) {
    (void)unused;
    static int requestedAt;
    if (frames >= (256 << 20) / 4096) {
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_RESTART, 0, 0);
        requestedAt = 0;
    } else if (frames - requestedAt >= (16 << 20) / 4096 || frames < requestedAt) {
        requestedAt = frames;
        pthread_mutex_lock(&lock);
        checkpointWanted = 1;
        pthread_cond_broadcast(&changed);
        pthread_mutex_unlock(&lock);
    }
    return SQLITE_OK;
}

static void *writer(void *unused) {
    (void)unused;
    sqlite3 *db = openStore(databasePath);
    check(sqlite3_exec(db, "PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0;", 0, 0, 0), db, "pragma");
    sqlite3_stmt *insert;
    check(sqlite3_prepare_v2(db, recordsInsert, -1, &insert, 0), db, "prepare");
    sqlite3_wal_hook(db, walHook, 0);
    for (int slot = 0;; slot ^= 1) {
        double waitStart = now();
        pthread_mutex_lock(&lock);
        while (!filled[slot]) pthread_cond_wait(&changed, &lock);
        pthread_mutex_unlock(&lock);
        writerWaited += now() - waitStart;
        Batch *batch = &batches[slot];
        check(sqlite3_exec(db, "BEGIN IMMEDIATE", 0, 0, 0), db, "begin");
        for (int i = 0; i < batch->count; i++) {
            Row *row = &batch->rows[i];
            insertRecord(db, insert, "shop", "order", row->id, row->raw, row->rawLength, row->canonical,
                row->canonicalLength, row->location);
        }
        check(sqlite3_exec(db, "COMMIT", 0, 0, 0), db, "commit");
        int last = batch->last;
        pthread_mutex_lock(&lock);
        filled[slot] = 0;
        pthread_cond_broadcast(&changed);
        pthread_mutex_unlock(&lock);
        if (last) break;
    }
    // What the background checkpoints left is copied back at the end, as the store does when a sync finishes.
    double checkpointStart = now();
    check(sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", 0, 0, 0), db, "checkpoint");
    finalCheckpoint = now() - checkpointStart;
    sqlite3_finalize(insert);
    sqlite3_close(db);
    pthread_mutex_lock(&lock);
    writerDone = 1;
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&lock);
    return 0;
}

static void *checkpointer(void *unused) {
    (void)unused;
    sqlite3 *db = openStore(databasePath);
    // A connection opens the database (and learns it is in WAL mode) lazily, at its first statement.
    check(sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", 0, 0, 0), db, "open the log");
    for (;;) {
        pthread_mutex_lock(&lock);
        while (!checkpointWanted && !writerDone) pthread_cond_wait(&changed, &lock);
        int done = writerDone;
        checkpointWanted = 0;
        pthread_mutex_unlock(&lock);
        if (done) break;
        int logFrames = 0, copied = 0;
        check(sqlite3_wal_checkpoint_v2(db, 0, SQLITE_CHECKPOINT_PASSIVE, &logFrames, &copied), db, "checkpoint");
        checkpoints++;
    }
    sqlite3_close(db);
    return 0;
}

// The reading thread's side: the batch being filled and the order being written.
static int slot, orders;
static Batch *batch = &batches[0];
static Row *row;

static void startOrder(int line, const char *id) {
    if (batch->count == batchSize) {
        double waitStart = now();
        pthread_mutex_lock(&lock);
        filled[slot] = 1;
        pthread_cond_broadcast(&changed);
        slot ^= 1;
        while (filled[slot]) pthread_cond_wait(&changed, &lock);
        pthread_mutex_unlock(&lock);
        readerWaited += now() - waitStart;
        batch = &batches[slot];
        batch->count = 0;
    }
    row = &batch->rows[batch->count++];
    row->rawLength = 0;
    row->canonicalLength = 0;
    append(row->raw, &row->rawLength, "{", 1);
    append(row->canonical, &row->canonicalLength, "{\"channel\":\"online\",\"customer\":{", 32);
    snprintf(row->location, sizeof row->location, "orders.xml:%d /o:feed/o:order[%d]", line, ++orders);
    snprintf(row->id, sizeof row->id, "%s", id ? id : "");
}

static void addField(const xmlChar *name, const xmlChar *value) {
    appendField(row->raw, &row->rawLength, name, value);
    appendField(row->canonical, &row->canonicalLength, name, value);
}

static void endOrder(void) {
    append(row->raw, &row->rawLength, "}", 1);
    append(row->canonical, &row->canonicalLength, "}}", 2);
}

/// libxml2's streaming reader, as the connector reads a feed.
static int readWithReader(const char *path) {
    xmlTextReaderPtr reader = xmlReaderForFile(path, 0,
        XML_PARSE_NONET | XML_PARSE_COMPACT | XML_PARSE_BIG_LINES | XML_PARSE_NOXINCNODE);
    if (!reader) return 0;
    const xmlChar *element = 0;
    while (xmlTextReaderRead(reader) == 1) {
        int type = xmlTextReaderNodeType(reader), depth = xmlTextReaderDepth(reader);
        if (type == XML_READER_TYPE_ELEMENT && depth == 1) {
            xmlChar *id = xmlTextReaderGetAttribute(reader, BAD_CAST "id");
            startOrder(xmlTextReaderGetParserLineNumber(reader), (const char *)id);
            xmlFree(id);
        }
        if (!row || depth < 1) continue;
        if (type == XML_READER_TYPE_ELEMENT) {
            element = xmlTextReaderConstLocalName(reader);
            while (xmlTextReaderMoveToNextAttribute(reader) == 1) {
                addField(xmlTextReaderConstLocalName(reader), xmlTextReaderConstValue(reader));
            }
        } else if ((type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA) && element) {
            addField(element, xmlTextReaderConstValue(reader));
        } else if (type == XML_READER_TYPE_END_ELEMENT && depth == 1) {
            endOrder();
        }
    }
    xmlFreeTextReader(reader);
    return 1;
}

// libxml2's SAX2 interface instead (`floor FEED DB sax`): callbacks as the parser goes, no node built or freed.
static int saxDepth;
static char saxText[textBytes];
static int saxTextLength;
/// The element ending now had no child element: its text is a field (a container's is only whitespace).
static int saxLeaf;

static void saxStart(void *context, const xmlChar *localName, const xmlChar *prefix, const xmlChar *uri,
    int namespaceCount, const xmlChar **namespaces, int attributeCount, int defaulted, const xmlChar **attributes) {
    (void)prefix, (void)uri, (void)namespaceCount, (void)namespaces, (void)defaulted;
    saxDepth++;
    saxTextLength = 0;
    saxLeaf = 1;
    if (saxDepth == 2) {
        char id[32] = "";
        for (int i = 0; i < attributeCount; i++) {
            const xmlChar **attribute = attributes + 5 * i;  // local name, prefix, URI, value, value end
            if (strcmp((const char *)attribute[0], "id") == 0) {
                snprintf(id, sizeof id, "%.*s", (int)(attribute[4] - attribute[3]), (const char *)attribute[3]);
            }
        }
        startOrder(xmlSAX2GetLineNumber(context), id);
    }
    if (saxDepth < 2) return;
    for (int i = 0; i < attributeCount; i++) {
        const xmlChar **attribute = attributes + 5 * i;
        char value[textBytes];
        snprintf(value, sizeof value, "%.*s", (int)(attribute[4] - attribute[3]), (const char *)attribute[3]);
        addField(attribute[0], BAD_CAST value);
    }
}

static void saxCharacters(void *context, const xmlChar *text, int length) {
    (void)context;
    if (saxDepth >= 2) append(saxText, &saxTextLength, (const char *)text, length);
}

static void saxEnd(void *context, const xmlChar *localName, const xmlChar *prefix, const xmlChar *uri) {
    (void)context, (void)prefix, (void)uri;
    if (saxDepth >= 3 && saxLeaf && saxTextLength > 0) {
        saxText[saxTextLength] = 0;
        addField(localName, BAD_CAST saxText);
    }
    saxTextLength = 0;
    saxLeaf = 0;
    if (saxDepth == 2) endOrder();
    saxDepth--;
}

static int readWithSAX(const char *path) {
    xmlSAXHandler handler;
    memset(&handler, 0, sizeof handler);
    handler.initialized = XML_SAX2_MAGIC;
    handler.startElementNs = saxStart;
    handler.endElementNs = saxEnd;
    handler.characters = saxCharacters;
    handler.cdataBlock = saxCharacters;
    FILE *file = fopen(path, "rb");
    if (!file) return 0;
    char chunk[256 << 10];
    xmlParserCtxtPtr parser = xmlCreatePushParserCtxt(&handler, 0, 0, 0, path);
    xmlCtxtUseOptions(parser, XML_PARSE_NONET | XML_PARSE_COMPACT | XML_PARSE_BIG_LINES | XML_PARSE_NOXINCNODE);
    size_t length;
    while ((length = fread(chunk, 1, sizeof chunk, file)) > 0) xmlParseChunk(parser, chunk, (int)length, 0);
    xmlParseChunk(parser, chunk, 0, 1);
    int wellFormed = parser->wellFormed;
    xmlFreeParserCtxt(parser);
    fclose(file);
    return wellFormed;
}

int main(int argc, char **argv) {
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: floor FEED DB [sax]\n");
        return 2;
    }
    databasePath = argv[2];
    char path[1024];
    unlink(databasePath);
    snprintf(path, sizeof path, "%s-wal", databasePath);
    unlink(path);
    snprintf(path, sizeof path, "%s-shm", databasePath);
    unlink(path);
    sqlite3 *db = openStore(databasePath);
    check(sqlite3_exec(db, "PRAGMA journal_mode = WAL;", 0, 0, 0), db, "pragma");
    check(sqlite3_exec(db, recordsTable, 0, 0, 0), db, "schema");
    sqlite3_close(db);

    double start = now();
    pthread_t writerThread, checkpointerThread;
    pthread_create(&writerThread, 0, writer, 0);
    pthread_create(&checkpointerThread, 0, checkpointer, 0);

    int sax = argc == 4 && strcmp(argv[3], "sax") == 0;
    if (!(sax ? readWithSAX(argv[1]) : readWithReader(argv[1]))) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        return 1;
    }
    double readerDone = now() - start;
    pthread_mutex_lock(&lock);
    batch->last = 1;
    filled[slot] = 1;
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&lock);
    pthread_join(writerThread, 0);
    pthread_join(checkpointerThread, 0);
    double seconds = now() - start;

    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    double cpu = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec
        + usage.ru_stime.tv_usec / 1e6;
    FILE *feed = fopen(argv[1], "rb");
    fseek(feed, 0, SEEK_END);
    double megabytes = ftell(feed) / 1e6;
    fclose(feed);
    printf("xml floor: %d orders, %.0f MB in %.2f s = %.1f MB/s (CPU %.2f s)\n", orders, megabytes, seconds,
        megabytes / seconds, cpu);
    printf("  reader done after %.2f s (waited %.2f s for the writer); writer waited %.2f s for the reader; last "
           "checkpoint %.2f s; %d background checkpoints\n",
        readerDone, readerWaited, writerWaited, finalCheckpoint, checkpoints);
    return 0;
}
