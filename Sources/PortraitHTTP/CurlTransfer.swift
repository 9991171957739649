import CCurl
import Foundation
import Synchronization
import PortraitCore

/// One blocking libcurl transfer. Everything here runs on the transfer's own thread, never on the Swift pool.
enum CurlTransfer {
    /// Receives body bytes as they arrive, with the response's status; false aborts the transfer.
    typealias BodySink = (Int, UnsafeRawBufferPointer) -> Bool

    typealias Request = HTTPRequest

    /// A transfer that libcurl ended with an error, kept with its code so a retrying caller can tell a reset
    /// connection (worth another attempt) from a host that does not exist (not worth one).
    struct Failure: Error {
        var code: CURLcode
        var error: PortraitError

        /// Failures that a later attempt may not meet: timeouts, resets, truncated or empty replies, refused
        /// connections (a server restarting).
        var isTransient: Bool {
            [
                CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING,
                CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM,
            ].contains(code)
        }
    }

    /// `curl_global_init` must run once per process before any other libcurl call, and is not thread-safe.
    private static let globalInit: CURLcode = portrait_curl_global_init_default()

    /// Rejects what libcurl would otherwise send on the wire unchecked.
    static func validate(_ request: Request) throws {
        let display = HTTPClient.redacted(request.url)
        let lower = request.url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            throw PortraitError.connector("\(display): only http:// and https:// URLs are supported")
        }
        for (name, value) in request.headers {
            let invalidName = name.isEmpty || name.contains { $0 == ":" || $0.isWhitespace || $0.isNewline }
            if invalidName || value.contains(where: \.isNewline) {
                throw PortraitError.connector(
                    "\(display): request header '\(name)' is not valid (names cannot be empty or contain ':', spaces or line breaks; values cannot contain line breaks)"
                )
            }
        }
    }

    /// Performs the transfer and returns the final response. Blocks the calling thread.
    ///
    /// - Parameter sink: When given, receives the body as it arrives (with the status of the response it belongs
    ///   to) instead of it being collected; returning false aborts the transfer.
    /// - Throws: `PortraitError.connector` or `CancellationError`.
    static func run(
        _ request: Request, configuration: HTTPClient.Configuration, cancellation: CancellationFlag,
        sink: BodySink? = nil
    ) throws -> HTTPResponse {
        do {
            return try attempt(request, configuration: configuration, cancellation: cancellation, sink: sink)
        } catch let failure as Failure {
            throw failure.error
        }
    }

    /// `run`, but a transfer libcurl ended with an error throws `Failure`, which keeps libcurl's code.
    ///
    /// - Parameter handles: Where to borrow a handle from and return it to, so the next request to the same
    ///   server reuses its open (TLS) connection; nil uses a handle of its own.
    static func attempt(
        _ request: Request, configuration: HTTPClient.Configuration, cancellation: CancellationFlag,
        handles: CurlHandlePool? = nil, sink: BodySink? = nil
    ) throws -> HTTPResponse {
        let display = HTTPClient.redacted(request.url)
        guard globalInit == CURLE_OK else {
            throw PortraitError.connector("\(display): libcurl could not be initialised (\(describe(globalInit)))")
        }
        guard let handle = handles?.borrow() ?? curl_easy_init() else {
            throw PortraitError.connector("\(display): libcurl could not create a transfer handle")
        }
        defer {
            if let handles { handles.giveBack(handle) } else { curl_easy_cleanup(handle) }
        }

        let state = TransferState(maxBytes: configuration.maxResponseBytes, cancellation: cancellation)
        state.sink = sink
        let statePointer = Unmanaged.passUnretained(state).toOpaque()
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        defer { curl_slist_free_all(headerList) }
        for (name, value) in request.headers {
            // "Name;" is libcurl's spelling for a header sent with an empty value ("Name:" would remove it).
            let line = value.isEmpty ? "\(name);" : "\(name): \(value)"
            guard let appended = curl_slist_append(headerList, line) else {
                throw PortraitError.connector("\(display): out of memory building request headers")
            }
            headerList = appended
        }

        var setup = SetupErrors()
        setup.check(portrait_curl_easy_setopt_string(handle, CURLOPT_URL, request.url), "URL")
        setup.check(portrait_curl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1), "NOSIGNAL")
        setup.check(portrait_curl_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"), "PROTOCOLS_STR")
        setup.check(portrait_curl_easy_setopt_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"), "REDIR_PROTOCOLS_STR")
        setup.check(portrait_curl_easy_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1), "SSL_VERIFYPEER")
        setup.check(portrait_curl_easy_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2), "SSL_VERIFYHOST")
        if let caBundle = configuration.caBundlePath {
            setup.check(portrait_curl_easy_setopt_string(handle, CURLOPT_CAINFO, caBundle), "CAINFO")
        }
        // An empty string asks for every encoding this libcurl can decode (gzip, deflate, ...), decoded transparently.
        setup.check(portrait_curl_easy_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, ""), "ACCEPT_ENCODING")
        setup.check(portrait_curl_easy_setopt_string(handle, CURLOPT_USERAGENT, configuration.userAgent), "USERAGENT")
        setup.check(
            portrait_curl_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(configuration.connectTimeout)),
            "CONNECTTIMEOUT_MS"
        )
        setup.check(portrait_curl_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, milliseconds(configuration.timeout)), "TIMEOUT_MS")
        setup.check(
            portrait_curl_easy_setopt_long(handle, CURLOPT_FOLLOWLOCATION, configuration.followRedirects ? 1 : 0),
            "FOLLOWLOCATION"
        )
        setup.check(portrait_curl_easy_setopt_long(handle, CURLOPT_MAXREDIRS, configuration.maxRedirects), "MAXREDIRS")
        // Refuses early when the server announces a larger body; the write callback catches the rest.
        setup.check(
            portrait_curl_easy_setopt_off_t(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(configuration.maxResponseBytes)),
            "MAXFILESIZE_LARGE"
        )
        setup.check(portrait_curl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList), "HTTPHEADER")
        setup.check(portrait_curl_easy_setopt_write_function(handle, CURLOPT_WRITEFUNCTION, writeBody), "WRITEFUNCTION")
        setup.check(portrait_curl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, statePointer), "WRITEDATA")
        setup.check(portrait_curl_easy_setopt_write_function(handle, CURLOPT_HEADERFUNCTION, writeHeader), "HEADERFUNCTION")
        setup.check(portrait_curl_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, statePointer), "HEADERDATA")
        setup.check(portrait_curl_easy_setopt_xferinfo_function(handle, CURLOPT_XFERINFOFUNCTION, progress), "XFERINFOFUNCTION")
        setup.check(portrait_curl_easy_setopt_pointer(handle, CURLOPT_XFERINFODATA, statePointer), "XFERINFODATA")
        setup.check(portrait_curl_easy_setopt_long(handle, CURLOPT_NOPROGRESS, 0), "NOPROGRESS")
        if let body = request.body {
            // Copied by libcurl, so the array need not outlive this call; a body makes the request a POST.
            setup.check(
                portrait_curl_easy_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)),
                "POSTFIELDSIZE_LARGE")
            if body.isEmpty {
                setup.check(portrait_curl_easy_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, ""), "COPYPOSTFIELDS")
            } else {
                body.withUnsafeBytes { bytes in
                    setup.check(
                        portrait_curl_easy_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress)),
                        "COPYPOSTFIELDS")
                }
            }
        }
        // GET, and POST with a body, are libcurl's own; anything else is named (and kept across redirects).
        if request.method != "GET" && !(request.method == "POST" && request.body != nil) {
            setup.check(portrait_curl_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method), "CUSTOMREQUEST")
        }
        if let failure = setup.failure {
            throw PortraitError.connector("\(display): libcurl rejected option \(failure.option) (\(describe(failure.code)))")
        }

        let code = errorBuffer.withUnsafeMutableBufferPointer { buffer -> CURLcode in
            let set = portrait_curl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, buffer.baseAddress)
            guard set == CURLE_OK else { return set }
            let code = withExtendedLifetime(state) { curl_easy_perform(handle) }
            // The buffer goes out of scope here: detach it before libcurl could write to it again.
            _ = portrait_curl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, nil)
            return code
        }

        if code != CURLE_OK {
            if state.cancellation.isCancelled { throw CancellationError() }
            let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let error = error(
                for: code, detail: detail, method: request.method, url: display, state: state, configuration: configuration)
            throw Failure(code: code, error: error)
        }

        var status = 0
        _ = portrait_curl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var effective: UnsafeMutablePointer<CChar>? = nil
        _ = portrait_curl_easy_getinfo_string(handle, CURLINFO_EFFECTIVE_URL, &effective)
        let finalURL = effective.map { HTTPClient.redacted(String(cString: $0)) } ?? display
        return HTTPResponse(
            method: request.method, url: finalURL, status: status, headers: state.headers, body: state.body)
    }

    private static func error(
        for code: CURLcode, detail: String, method: String, url: String, state: TransferState,
        configuration: HTTPClient.Configuration
    ) -> PortraitError {
        let text = describe(code)
        if state.exceededLimit || code == CURLE_FILESIZE_EXCEEDED {
            return PortraitError.connector(
                "\(method) \(url): response is larger than the limit of \(configuration.maxResponseBytes) bytes; the transfer was stopped"
                    + (configuration.settingNames.maxResponseBytes.map { " (raise \($0), or request smaller pages)" } ?? "")
            )
        }
        var message = "\(method) \(url) failed: \(text)"
        if !detail.isEmpty, detail != text { message += " (\(detail))" }
        switch code {
        case CURLE_COULDNT_CONNECT: message += "; check that the server is running and the host and port are right"
        case CURLE_COULDNT_RESOLVE_HOST: message += "; check the host name"
        case CURLE_OPERATION_TIMEDOUT: message += "; the server did not answer in time"
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE:
            message += "; the server's TLS certificate could not be verified"
            if let setting = configuration.settingNames.caBundle {
                message += " (for a private CA, set \(setting) to a PEM file of it)"
            }
        case CURLE_SSL_CONNECT_ERROR:
            message +=
                "; the TLS handshake failed: check that the server speaks https on that port (an http port answers so), or its TLS setup"
        case CURLE_TOO_MANY_REDIRECTS: message += "; the server redirects in a loop"
        default: break
        }
        return PortraitError.connector(message)
    }

    static func describe(_ code: CURLcode) -> String {
        guard let text = curl_easy_strerror(code) else { return "libcurl error \(code.rawValue)" }
        return String(cString: text)
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1_000 + Int(attoseconds / 1_000_000_000_000_000))
    }

    /// Collects the first failed option so setup reads as a flat list.
    private struct SetupErrors {
        var failure: (option: String, code: CURLcode)?

        mutating func check(_ code: CURLcode, _ option: String) {
            if code != CURLE_OK, failure == nil { failure = (option, code) }
        }
    }
}

/// Idle libcurl handles of one `HTTPClient`. A handle keeps its connections open after a transfer, so paging
/// through an API costs one TCP and TLS handshake, not one per page. Each handle serves one transfer at a time.
final class CurlHandlePool: Sendable {
    /// Handles kept idle beyond this are closed: a client rarely has more transfers in flight.
    static let capacity = 4

    /// A libcurl easy handle, moved between transfer threads but used by one at a time.
    private struct Handle: @unchecked Sendable {
        let pointer: UnsafeMutableRawPointer
    }

    private let idle = Mutex<[Handle]>([])

    /// An idle handle with its options cleared (connections and caches stay), or nil when none is idle.
    func borrow() -> UnsafeMutableRawPointer? {
        guard let handle = idle.withLock({ $0.popLast() }) else { return nil }
        curl_easy_reset(handle.pointer)
        return handle.pointer
    }

    func giveBack(_ pointer: UnsafeMutableRawPointer) {
        let kept = idle.withLock { idle -> Bool in
            guard idle.count < Self.capacity else { return false }
            idle.append(Handle(pointer: pointer))
            return true
        }
        if !kept { curl_easy_cleanup(pointer) }
    }

    deinit {
        for handle in idle.withLock({ $0 }) { curl_easy_cleanup(handle.pointer) }
    }
}

/// What the libcurl callbacks write into. Touched only by the transfer's thread while `curl_easy_perform` runs.
private final class TransferState {
    let maxBytes: Int
    let cancellation: CancellationFlag
    var body: [UInt8] = []
    var headers: [(name: String, value: String)] = []
    var exceededLimit = false
    /// Streaming transfers: where body bytes go instead of `body`.
    var sink: CurlTransfer.BodySink?
    /// The status of the response being received, from its status line.
    var status = 0

    init(maxBytes: Int, cancellation: CancellationFlag) {
        self.maxBytes = maxBytes
        self.cancellation = cancellation
    }
}

/// CURLOPT_WRITEFUNCTION: appends body bytes; returning less than given aborts the transfer.
private let writeBody: portrait_curl_write_callback = { pointer, size, count, userdata in
    guard let pointer, let userdata else { return 0 }
    let state = Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    if let sink = state.sink {
        return sink(state.status, UnsafeRawBufferPointer(start: pointer, count: length)) ? length : 0
    }
    if state.body.count + length > state.maxBytes {
        state.exceededLimit = true
        return 0
    }
    pointer.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
        state.body.append(contentsOf: UnsafeBufferPointer(start: bytes, count: length))
    }
    return length
}

/// CURLOPT_HEADERFUNCTION: one header line per call, status lines included.
private let writeHeader: portrait_curl_write_callback = { pointer, size, count, userdata in
    guard let pointer, let userdata else { return 0 }
    let state = Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    let line = pointer.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
        String(decoding: UnsafeBufferPointer(start: bytes, count: length), as: UTF8.self)
    }
    if line.hasPrefix("HTTP/") {
        // A new response starts (after a redirect or a 100 Continue): keep only the final one's headers.
        state.headers.removeAll()
        state.status = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
    } else if let colon = line.firstIndex(of: ":") {
        let name = line[..<colon].trimmingCharacters(in: .whitespaces)
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        state.headers.append((name: name, value: value))
    }
    return length
}

/// CURLOPT_XFERINFOFUNCTION: non-zero aborts, which is how a cancelled task stops its transfer.
private let progress: portrait_curl_xferinfo_callback = { userdata, _, _, _, _ in
    guard let userdata else { return 0 }
    let state = Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue()
    return state.cancellation.isCancelled ? 1 : 0
}
