#include <curl/curl.h>

/* curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: one typed
   wrapper per kind of argument. */
static inline CURLcode rounds_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode rounds_curl_setopt_pointer(CURL *handle, CURLoption option, const void *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode rounds_curl_setopt_offset(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}
typedef size_t (*rounds_curl_data_callback)(char *, size_t, size_t, void *);
static inline CURLcode rounds_curl_setopt_data_callback(CURL *handle, CURLoption option, rounds_curl_data_callback f) {
    return curl_easy_setopt(handle, option, f);
}
typedef int (*rounds_curl_progress_callback)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t);
static inline CURLcode rounds_curl_setopt_progress_callback(CURL *handle, rounds_curl_progress_callback f) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, f);
}
static inline CURLcode rounds_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
