import Foundation
import PortraitCore

extension HTTPClient {
    /// Starts a GET whose body is read as it arrives, for feeds too large to hold in memory.
    ///
    /// The transfer runs on its own thread and fills a bounded buffer (`bufferBytes`); when the reader falls
    /// behind, the transfer waits, so memory stays flat whatever the body's size. `maxResponseBytes` does not
    /// apply; `timeout` does (set it for the whole feed).
    ///
    /// Until the body starts, what a retry may fix is retried by `policy`, as `send(_:retry:onRetry:)` does:
    /// statuses 408, 429 and 5xx (`Retry-After` honoured), timeouts, refused or reset connections. Once body bytes
    /// are handed out, a failure is the reader's to handle: the stream cannot start over.
    ///
    /// A conditional request (with `If-None-Match` or `If-Modified-Since`) may be answered `304 Not Modified`:
    /// the stream is then returned empty, with ``HTTPBodyStream/isNotModified`` set.
    ///
    /// - Returns: Once the response status is known, a stream of its body.
    /// - Throws: `PortraitError.connector` when the transfer fails before the body starts, or when the status is
    ///   not 2xx (as `HTTPResponse.requireSuccess()` words it), after the retries `policy` allows;
    ///   `CancellationError` when the task is cancelled.
    public func stream(
        _ url: String, headers: [(String, String)] = [], bufferBytes: Int = 1 << 20, retry policy: RetryPolicy = .never,
        onRetry: @Sendable (HTTPRetry) -> Void = { _ in }
    ) async throws -> HTTPBodyStream {
        try await Self.withRetries("GET \(Self.redacted(url))", policy: policy, onRetry: onRetry) {
            let (stream, failed) = try await streamAttempt(url, headers: headers, bufferBytes: bufferBytes)
            guard let failed else { return .done(stream) }
            // `requireSuccess` throws for any status that is not 2xx, as `failed`'s is.
            let refusal = { () throws -> HTTPBodyStream in
                try failed.requireSuccess()
                return stream
            }
            guard RetryPolicy.retryableStatuses.contains(failed.status) else { return .done(try refusal()) }
            return .notNow(
                reason: failed.statusText, retryAfter: stream.finalHeader("Retry-After").flatMap(Self.retryAfter),
                lastResort: refusal)
        }
    }

    /// One transfer until its status is known: the stream, and for a status that is not 2xx (nor a 304 to a
    /// conditional request) the response with the start of its body, the transfer stopped.
    ///
    /// - Throws: `CurlTransfer.Failure` when the transfer fails before the status is known; `CancellationError`.
    private func streamAttempt(_ url: String, headers: [(String, String)], bufferBytes: Int) async throws -> (
        HTTPBodyStream, HTTPResponse?
    ) {
        try Task.checkCancellation()
        let request = HTTPRequest(url: url, headers: headers)
        try CurlTransfer.validate(request)
        var configuration = self.configuration
        configuration.maxResponseBytes = Int(Int64.max)
        let stream = HTTPBodyStream(url: HTTPClient.redacted(url), capacity: max(bufferBytes, 64 << 10))
        let thread = Thread { [configuration] in stream.run(request, configuration: configuration) }
        thread.name = "portrait-http-stream"
        thread.start()
        let status: Int
        do {
            status = try await withTaskCancellationHandler {
                try await stream.waitForStatus()
            } onCancel: {
                stream.close()
            }
        } catch {
            stream.close()
            throw error
        }
        let conditional = headers.contains { name, _ in
            ["if-none-match", "if-modified-since"].contains(name.lowercased())
        }
        if status == 304 && conditional {
            stream.close()
            return (stream, nil)
        }
        guard (200..<300).contains(status) else {
            // The start of the body says why; reading it to its end (most error bodies are short) also leaves the
            // final headers (`Retry-After`) to read.
            var body: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while body.count < 4096,
                let count = try? chunk.withUnsafeMutableBytes({ try stream.read(into: $0) }), count > 0
            {
                body.append(contentsOf: chunk[..<count])
            }
            stream.close()
            return (stream, HTTPResponse(url: stream.url, status: status, body: body))
        }
        return (stream, nil)
    }
}

/// The body of a streamed response, read in order with `read(into:)`; `close()` stops the transfer early.
///
/// `@unchecked Sendable`: every mutable property is read and written only while holding `condition`, and the
/// transfer thread and the reader communicate through it alone.
public final class HTTPBodyStream: @unchecked Sendable {
    /// The URL without query string or credentials, for messages.
    public let url: String
    private let capacity: Int
    private let condition = NSCondition()
    private let cancellation = CancellationFlag()
    private var chunks: [[UInt8]] = []
    private var head = 0
    private var offsetInHead = 0
    private var queuedBytes = 0
    private var status: Int?
    /// The final response's headers, once the transfer has finished.
    private var finalHeaders: [(name: String, value: String)]?
    private var statusWaiter: CheckedContinuation<Int, any Error>?
    private var finished = false
    private var failure: (any Error)?
    private var closed = false
    /// A reader suspended in `waitUntilBuffered`, and how many bytes it waits for.
    private var bufferWaiter: (threshold: Int, continuation: CheckedContinuation<Void, Never>)?

    init(url: String, capacity: Int) {
        self.url = url
        self.capacity = capacity
    }

    deinit { close() }

    /// True when a conditional request was answered `304 Not Modified`: there is no body.
    public var isNotModified: Bool {
        condition.lock()
        defer { condition.unlock() }
        return status == 304
    }

    /// The value of the final response's header `name` (any case), once the whole body has been read: nil
    /// before, and when there is no such header. For validators (`ETag`, `Last-Modified`) of a feed read whole.
    public func finalHeader(_ name: String) -> String? {
        condition.lock()
        defer { condition.unlock() }
        return finalHeaders?.first { $0.name.caseInsensitiveEquals(name) }?.value
    }

    /// Copies up to `buffer.count` body bytes into `buffer`, waiting for the transfer when none are buffered.
    /// Blocks the calling thread while waiting.
    ///
    /// - Returns: The number of bytes copied; 0 at the end of the body.
    /// - Throws: `PortraitError.connector` when the transfer failed (connection lost, timeout) before the end.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        condition.lock()
        defer { condition.unlock() }
        while head == chunks.count && !finished && !closed { condition.wait() }
        if head == chunks.count {
            if let failure { throw (failure as? CurlTransfer.Failure)?.error ?? failure }
            return 0
        }
        var copied = 0
        while copied < buffer.count && head < chunks.count {
            let chunk = chunks[head]
            let count = min(buffer.count - copied, chunk.count - offsetInHead)
            chunk.withUnsafeBytes { source in
                buffer.baseAddress!.advanced(by: copied).copyMemory(
                    from: source.baseAddress!.advanced(by: offsetInHead), byteCount: count)
            }
            copied += count
            offsetInHead += count
            if offsetInHead == chunk.count {
                chunks[head] = []
                head += 1
                offsetInHead = 0
            }
        }
        if head > 64 && head * 2 > chunks.count {
            chunks.removeFirst(head)
            head = 0
        }
        queuedBytes -= copied
        condition.broadcast()
        return copied
    }

    /// Suspends, without blocking a thread, until `bytes` are buffered (at most half the buffer's capacity) or
    /// the body has ended: a reader that calls this before parsing a piece rarely blocks in `read(into:)`.
    public func waitUntilBuffered(_ bytes: Int) async {
        let threshold = min(bytes, capacity / 2)
        if isBuffered(threshold) { return }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                condition.lock()
                if queuedBytes >= threshold || finished || closed {
                    condition.unlock()
                    continuation.resume()
                } else {
                    bufferWaiter = (threshold, continuation)
                    condition.unlock()
                }
            }
        } onCancel: {
            close()
        }
    }

    private func isBuffered(_ threshold: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        return queuedBytes >= threshold || finished || closed
    }

    /// Takes the suspended reader to resume, if what it waits for is there. Call with `condition` held.
    private func takeBufferWaiter() -> CheckedContinuation<Void, Never>? {
        guard let waiter = bufferWaiter, queuedBytes >= waiter.threshold || finished || closed else { return nil }
        bufferWaiter = nil
        return waiter.continuation
    }

    /// Stops the transfer and discards what is buffered. Safe to call more than once, from any thread.
    public func close() {
        cancellation.cancel()
        condition.lock()
        closed = true
        chunks = []
        head = 0
        queuedBytes = 0
        let waiter = statusWaiter
        statusWaiter = nil
        let reader = takeBufferWaiter()
        condition.broadcast()
        condition.unlock()
        waiter?.resume(throwing: CancellationError())
        reader?.resume()
    }

    /// Suspends (without blocking a thread) until the status of the final response is known.
    func waitForStatus() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            if let status {
                condition.unlock()
                continuation.resume(returning: status)
            } else if let failure {
                condition.unlock()
                continuation.resume(throwing: failure)
            } else if closed {
                condition.unlock()
                continuation.resume(throwing: CancellationError())
            } else {
                statusWaiter = continuation
                condition.unlock()
            }
        }
    }

    /// The transfer, on its own thread.
    func run(_ request: HTTPRequest, configuration: HTTPClient.Configuration) {
        // `attempt`, not `run`: a failure keeps libcurl's code, so `stream` can tell a transient one.
        let result = Result {
            try CurlTransfer.attempt(request, configuration: configuration, cancellation: cancellation) {
                status, bytes in self.deliver(status: status, bytes: bytes)
            }
        }
        condition.lock()
        finished = true
        var announced: Result<Int, any Error>?
        switch result {
        case .success(let response):
            finalHeaders = response.headers
            if status == nil {
                status = response.status
                announced = .success(response.status)
            }
        case .failure(let error):
            if !closed { failure = error }
            if status == nil { announced = .failure(error) }
        }
        let waiter = statusWaiter
        statusWaiter = nil
        let reader = takeBufferWaiter()
        condition.broadcast()
        condition.unlock()
        if let waiter, let announced { waiter.resume(with: announced) }
        reader?.resume()
    }

    /// libcurl's body callback: queues the bytes, waiting while the buffer is full. False once closed.
    private func deliver(status: Int, bytes: UnsafeRawBufferPointer) -> Bool {
        condition.lock()
        var waiter: CheckedContinuation<Int, any Error>?
        if self.status == nil {
            self.status = status
            waiter = statusWaiter
            statusWaiter = nil
        }
        while queuedBytes >= capacity && !closed { condition.wait() }
        let accepted = !closed
        if accepted {
            chunks.append(Array(bytes))
            queuedBytes += bytes.count
            condition.broadcast()
        }
        let reader = takeBufferWaiter()
        condition.unlock()
        waiter?.resume(returning: status)
        reader?.resume()
        return accepted
    }
}
