import Hummingbird
import NIOCore

/// The faults that misbehave below HTTP: a closed connection, a cut body, a request never answered.
///
/// Hummingbird always completes a response once a handler returns, so these act on the connection's NIO channel,
/// which ``MockCRMRequestContext`` carries. After acting they throw ``ConnectionFaultError``: Hummingbird then tries
/// to write an error response on the closed channel, fails, and drops the connection without a word.
enum ConnectionFaults {
    /// Closes the connection before any byte of the response: curl reports "Empty reply from server".
    static func drop(_ channel: any Channel) async throws -> Never {
        try? await channel.close()
        throw ConnectionFaultError()
    }

    /// `answer` with its full `Content-Length` but only the first half of its body, then the connection closes:
    /// curl reports error 18, "transfer closed with N bytes remaining to read".
    ///
    /// The body part and the close both reach the channel's event loop in the order they were issued, so the part
    /// is on the wire before the close.
    static func truncated(_ answer: Answer, channel: any Channel) -> Response {
        let declared = max(answer.body.count, 1)
        let sent = ByteBuffer(bytes: answer.body[..<(answer.body.count / 2)])
        let body = ResponseBody(contentLength: declared) { writer in
            if sent.readableBytes > 0 { try await writer.write(sent) }
            try? await channel.close()
            throw ConnectionFaultError()
        }
        return Response(status: .init(code: answer.status), headers: answer.fields, body: body)
    }

    /// Waits without answering until the client closes its side of the connection or the request's task is
    /// cancelled (the server stopping), then closes the connection.
    ///
    /// A handler at the front of the channel pipeline watches for the client's close, since Hummingbird tells a
    /// handler nothing once its request has been read.
    static func hang(_ channel: any Channel) async throws -> Never {
        let released = channel.eventLoop.makePromise(of: Void.self)
        do {
            try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.addHandler(DisconnectWatcher(released: released), position: .first)
            }.get()
        } catch {
            released.succeed()
        }
        if !channel.isActive { released.succeed() }
        await withTaskCancellationHandler {
            try? await released.futureResult.get()
        } onCancel: {
            released.succeed()
        }
        try? await channel.close()
        throw ConnectionFaultError()
    }
}

/// Thrown after a connection fault so that Hummingbird abandons the response.
struct ConnectionFaultError: Error {}

/// Completes `released` when the peer closes its side of the connection or the connection goes away.
private final class DisconnectWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let released: EventLoopPromise<Void>

    init(released: EventLoopPromise<Void>) {
        self.released = released
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .inputClosed? = event as? ChannelEvent { released.succeed() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        released.succeed()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        released.succeed()
        context.fireErrorCaught(error)
    }
}
