import Vapor
import RectifyCore

/// One operation of the JSON API under /api/v1: its address, who may call it, what it
/// takes and what it answers. Routes are registered from these values (`on(_:use:)`), the
/// pages' links to API addresses come from them (SiteURL), and the OpenAPI document is written from the routes
/// that carry them, so the published contract is the code.
struct APIOperation: Sendable {
    enum Body: Sendable {
        case none
        case json(JSONSchema)
        /// Raw bytes of a file in the body, with the media types it may have.
        case file([String])
        /// A published report: text/plain, or JSON `{"text": …}`.
        case reportText

        static func of<T: Decodable>(_ type: T.Type) -> Body { .json(JSONSchema.of(type)) }
    }

    enum Answer: Sendable {
        case json(HTTPStatus, JSONSchema)
        case noContent
        /// A download in one of these media types.
        case file([String])

        static func of<T: Decodable>(_ type: T.Type, _ status: HTTPStatus = .ok) -> Answer { .json(status, JSONSchema.of(type)) }
    }

    struct Parameter: Sendable {
        let name: String
        let schema: JSONSchema
        let required: Bool
        let description: String?
    }

    let method: HTTPMethod
    /// `/tasks/:id`, below /api/v1.
    let template: String
    let id: String
    let summary: String
    /// Who may call it, in words (the route checks it; RoleMatrixTests prove it).
    let who: String
    var query: [Parameter] = []
    var body: Body = .none
    /// nil: the handler's return type, with 200.
    var answer: Answer?
    var isPublic = false

    var pathComponents: [PathComponent] {
        ["api", "v1"] + template.split(separator: "/").map { PathComponent(stringLiteral: String($0)) }
    }

    /// `/api/v1/tasks/:id`: the template as the site's routes and links (SiteURL) spell it.
    var pattern: String { "/api/v1" + template }

    /// `/tasks/{id}`: the template as OpenAPI writes it.
    var openAPIPath: String {
        template.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
            .reduce("") { $0 + "/" + $1 }
    }
}

extension APIOperation.Parameter {
    static let page = Self(name: "page", schema: .integer, required: false, description: "页码,从 1 开始,至多 1000000")
    static let per = Self(name: "per", schema: .integer, required: false, description: "每页条数,默认 50,超过 200 按 200")
    static let paging = [page, per]

    /// Every property of a query type as a parameter (e.g. the ledger filters).
    static func all<T: Decodable>(of type: T.Type) -> [Self] {
        JSONSchema.properties(of: type).map { Self(name: $0.name, schema: $0.schema, required: $0.required, description: nil) }
    }

    static func optional(_ name: String, _ schema: JSONSchema, _ description: String) -> Self {
        Self(name: name, schema: schema, required: false, description: description)
    }
}

/// The operation a route was registered for, kept on the route for the document.
struct RegisteredOperation: Sendable {
    static let key: AnySendableHashable = "rectify.apiOperation"
    let operation: APIOperation
    let answer: APIOperation.Answer
}

extension RoutesBuilder {
    /// Registers a handler that answers JSON of its return type.
    @discardableResult
    func on<T: Content>(_ op: APIOperation, maxBytes: Int? = nil,
                        use handler: @escaping @Sendable (Request) async throws -> T) -> Route {
        register(op, answer: op.answer ?? .of(T.self), maxBytes: maxBytes) { try await handler($0).encodeResponse(for: $0) }
    }

    /// Registers a handler that builds its own response; the operation says what it answers.
    @discardableResult
    func on(_ op: APIOperation, maxBytes: Int? = nil, use handler: @escaping @Sendable (Request) async throws -> Response) -> Route {
        register(op, answer: op.answer ?? .noContent, maxBytes: maxBytes, handler)
    }

    @discardableResult
    func on(_ op: APIOperation, use handler: @escaping @Sendable (Request) async throws -> HTTPStatus) -> Route {
        register(op, answer: op.answer ?? .noContent, maxBytes: nil) { Response(status: try await handler($0)) }
    }

    private func register(_ op: APIOperation, answer: APIOperation.Answer, maxBytes: Int?,
                          _ handler: @escaping @Sendable (Request) async throws -> Response) -> Route {
        let body: HTTPBodyStreamStrategy = maxBytes.map { .collect(maxSize: ByteCount(value: $0)) } ?? .collect
        let route = on(op.method, op.pathComponents, body: body, use: handler)
        route.userInfo[RegisteredOperation.key] = RegisteredOperation(operation: op, answer: answer)
        return route
    }
}
