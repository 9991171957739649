/// One HTTP request: what `HTTPClient.send` transfers.
public struct HTTPRequest: Sendable {
    /// `GET`, `POST`, ...; a request with a `body` and no other method is a `POST`.
    public var method: String
    /// An `http` or `https` URL.
    public var url: String
    /// Request headers as name and value, in order.
    public var headers: [(String, String)]
    /// The request body (a JSON search, a form); nil sends none.
    public var body: [UInt8]?

    public init(method: String = "GET", url: String, headers: [(String, String)] = [], body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}
