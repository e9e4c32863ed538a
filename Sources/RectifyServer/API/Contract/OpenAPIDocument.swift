import Vapor
import RectifyCore

/// The OpenAPI 3.1 document of /api/v1, written from the registered routes and the
/// Swift types they decode and encode (see `APIOperation`, `JSONSchema`).
enum OpenAPIDocument {
    static func build(_ routes: [Route]) -> JSONValue {
        var paths: [String: [String: JSONValue]] = [:]
        for route in routes {
            guard let registered = route.userInfo[RegisteredOperation.key] as? RegisteredOperation else { continue }
            let op = registered.operation
            paths[op.openAPIPath, default: [:]][op.method.rawValue.lowercased()] = operation(op, answer: registered.answer)
        }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "Rectify 整改系统 API",
                "version": "1",
                "description": .string("""
                    督察整改的台账、流转、调度、督办、佐证材料和报告。程序用 `Authorization: Bearer rct_…` 调用\
                    (令牌在网页“API 令牌”页或 POST /tokens 新建);浏览器会话(Cookie)的写操作须带 \
                    `X-CSRF-Token`(GET /session 给出)和本站的 Origin。错误一律是 `{"code", "message", "violations"?}`,\
                    消息为中文,code 稳定。列表一律分页:`{"items", "page", "per", "total"}`。
                    """),
            ],
            "servers": [.object(["url": "/api/v1"])],
            "security": [["bearerAuth": .array([])], ["sessionCookie": .array([])]],
            "components": [
                "securitySchemes": [
                    "bearerAuth": ["type": "http", "scheme": "bearer", "description": "API 令牌 rct_…"],
                    "sessionCookie": ["type": "apiKey", "in": "cookie", "name": .string(SessionStore.cookieName)],
                ],
                "schemas": ["Error": JSONSchema.of(RectifyErrorMiddleware.Body.self).json],
            ],
            "paths": .object(paths.mapValues { .object($0) }),
        ]
    }

    static func operation(_ op: APIOperation, answer: APIOperation.Answer) -> JSONValue {
        var o: [String: JSONValue] = [
            "operationId": .string(op.id),
            "summary": .string(op.summary),
            "description": .string("谁可以调用:\(op.who)"),
            "tags": [.string(op.template.split(separator: "/").first.map(String.init) ?? "api")],
        ]
        if op.isPublic { o["security"] = .array([]) }
        var parameters: [JSONValue] = []
        for segment in op.template.split(separator: "/") where segment.hasPrefix(":") {
            let name = String(segment.dropFirst())
            let schema: JSONSchema = name == "action" ? .enumeration(TaskAction.allCases.map(\.rawValue)) : .integer
            parameters.append(["name": .string(name), "in": "path", "required": .bool(true), "schema": schema.json])
        }
        for p in op.query {
            var param: [String: JSONValue] = ["name": .string(p.name), "in": "query", "required": .bool(p.required), "schema": p.schema.json]
            if let d = p.description { param["description"] = .string(d) }
            parameters.append(.object(param))
        }
        if !parameters.isEmpty { o["parameters"] = .array(parameters) }
        switch op.body {
        case .none: break
        case .json(let schema):
            o["requestBody"] = ["required": .bool(true), "content": ["application/json": ["schema": schema.json]]]
        case .file(let types):
            o["requestBody"] = ["required": .bool(true), "content": .object(Dictionary(uniqueKeysWithValues: types.map {
                ($0, JSONValue.object(["schema": ["type": "string", "format": "binary"]]))
            }))]
        case .reportText:
            o["requestBody"] = ["required": .bool(true), "content": [
                "text/plain": ["schema": ["type": "string"]],
                "application/json": ["schema": JSONSchema.object([.init(name: "text", schema: .string(format: nil), required: true)]).json],
            ]]
        }
        let error: JSONValue = ["description": "请求未被接受(中文消息,稳定的 code)",
                                "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]]
        var responses: [String: JSONValue] = ["4XX": error]
        switch answer {
        case .json(let status, let schema):
            responses[String(status.code)] = ["description": .string(status.reasonPhrase),
                                              "content": ["application/json": ["schema": schema.json]]]
        case .noContent:
            responses["204"] = ["description": "No Content"]
        case .file(let types):
            responses["200"] = ["description": "文件", "content": .object(Dictionary(uniqueKeysWithValues: types.map {
                ($0, JSONValue.object(["schema": ["type": "string", "format": "binary"]]))
            }))]
        }
        o["responses"] = .object(responses)
        return .object(o)
    }

    /// GET /api/v1/openapi.json
    static func serve(req: Request) async throws -> Response {
        let data = req.application.openAPIData
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }
}

extension Application {
    private struct OpenAPIKey: StorageKey { typealias Value = Data }

    /// The document, written in configure once every route is registered.
    var openAPIData: Data { storage[OpenAPIKey.self] ?? Self.encodeOpenAPI(routes.all) }

    func prepareOpenAPI() { storage[OpenAPIKey.self] = Self.encodeOpenAPI(routes.all) }

    private static func encodeOpenAPI(_ routes: [Route]) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return (try? encoder.encode(OpenAPIDocument.build(routes))) ?? Data("{}".utf8)
    }
}
