#ifndef PORTRAIT_CCURL_SHIM_H
#define PORTRAIT_CCURL_SHIM_H

#include <curl/curl.h>

// Swift cannot call C variadic functions, so each option type gets a typed, non-variadic wrapper.

static inline CURLcode portrait_curl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode portrait_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode portrait_curl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode portrait_curl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode portrait_curl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

typedef size_t (*portrait_curl_write_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);

static inline CURLcode portrait_curl_easy_setopt_write_function(CURL *handle, CURLoption option,
                                                                portrait_curl_write_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

static inline CURLcode portrait_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode portrait_curl_easy_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode portrait_curl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

// Added for PortraitHTTP: transfer progress (used to abort a transfer whose Swift task was cancelled) and the
// global init flags, which are a macro expression Swift does not import.
typedef int (*portrait_curl_xferinfo_callback)(void *userdata, curl_off_t dltotal, curl_off_t dlnow,
                                               curl_off_t ultotal, curl_off_t ulnow);

static inline CURLcode portrait_curl_easy_setopt_xferinfo_function(CURL *handle, CURLoption option,
                                                                   portrait_curl_xferinfo_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

static inline CURLcode portrait_curl_global_init_default(void) {
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}

#endif
