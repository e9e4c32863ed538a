import Fluent
import Foundation
import XCTVapor
import RectifyCore
@testable import RectifyServer

/// The published contract (GET /api/v1/openapi.json) against what the server registers
/// and answers, on the real database (issue 11 §2–3).
final class APIContractTests: XCTestCase {
    func testEveryAPIRouteIsDescribedOnceAndTheDocumentIsOpenAPI31() async throws {
        try await withApp { app in
            // Given the configured application, when the document is fetched without signing in,
            let doc = try await document(app)
            // then it is OpenAPI 3.1 and lists every /api/v1 route with its method, and nothing else.
            XCTAssertEqual(doc["openapi"] as? String, "3.1.0")
            let paths = try XCTUnwrap(doc["paths"] as? [String: [String: Any]])
            let routes = app.routes.all.filter { $0.path.count >= 2 && $0.path[0].description == "api" && $0.path[1].description == "v1" }
            XCTAssertGreaterThan(routes.count, 45)
            var described = 0
            for route in routes {
                let registered = route.userInfo[RegisteredOperation.key] as? RegisteredOperation
                XCTAssertNotNil(registered, "\(route.method) /\(route.path.string) is not an APIOperation, so the contract misses it")
                guard let op = registered?.operation else { continue }
                XCTAssertNotNil(paths[op.openAPIPath]?[op.method.rawValue.lowercased()], "\(op.method) \(op.openAPIPath)")
                described += 1
            }
            XCTAssertEqual(paths.values.map(\.count).reduce(0, +), described)
            // Operation ids are unique: generated clients name their functions after them.
            let ids = paths.values.flatMap { $0.values.compactMap { ($0 as? [String: Any])?["operationId"] as? String } }
            XCTAssertEqual(Set(ids).count, ids.count)
        }
    }

    func testATaskInTheListAndItsDetailUseTheSameNamesAndValues() async throws {
        try await withApp(demo: true) { app in
            let token = try await bearer(app, login: "office")
            // Given the demo ledger, when the office lists tasks and opens the first,
            let list = try await json(app, "/api/v1/tasks?per=20", token: token)
            let items = try XCTUnwrap(list["items"] as? [[String: Any]])
            XCTAssertEqual(Set(list.keys), ["items", "page", "per", "total"])
            XCTAssertFalse(items.isEmpty)
            for item in items.prefix(5) {
                let id = try XCTUnwrap(item["id"] as? Int)
                let detail = try await json(app, "/api/v1/tasks/\(id)", token: token)
                // then both are camelCase, and every field they share has the same value.
                for key in item.keys {
                    XCTAssertFalse(key.contains("_"), "snake_case key \(key) in the list")
                    XCTAssertTrue(detail.keys.contains(key) || item[key] is NSNull, "the detail has no \(key)")
                    XCTAssertEqual(String(describing: item[key] ?? "absent"), String(describing: detail[key] ?? "absent"),
                                   "task \(id): \(key) differs between list and detail")
                }
                XCTAssertNotNil(TaskState(rawValue: item["state"] as? String ?? ""))
            }
        }
    }

    func testEveryReadAnswerMatchesItsSchema() async throws {
        try await withApp(demo: true) { app in
            let doc = try await document(app)
            let paths = try XCTUnwrap(doc["paths"] as? [String: [String: Any]])
            let task = try await unwrap(try await TaskRecord.query(on: app.db).filter(\.$state != .draft).first()?.id)
            let inspection = try await unwrap(try await Inspection.query(on: app.db).first()?.id)
            // Given each role, when every GET of the contract that answers JSON is called,
            for login in ["office", "admin", "unit", "leader"] {
                let token = try await bearer(app, login: login)
                for (template, methods) in paths.sorted(by: { $0.key < $1.key }) {
                    guard let op = methods["get"] as? [String: Any],
                          let responses = op["responses"] as? [String: Any] else { continue }
                    let path = template.replacingOccurrences(of: "{id}", with: String(template.hasPrefix("/inspections") ? inspection : task))
                    var status: HTTPStatus = .ok
                    var body = Data()
                    try await app.test(.GET, "/api/v1" + path, headers: ["Authorization": "Bearer \(token)"]) { res async in
                        status = res.status
                        body = Data(res.body.readableBytesView)
                    }
                    // then it never fails on the server, and a JSON answer fits the schema of its status.
                    XCTAssertLessThan(status.code, 500, "\(login) GET \(path)")
                    let key = status.code >= 400 ? "4XX" : String(status.code)
                    guard let response = responses[key] as? [String: Any] else {
                        XCTFail("\(login) GET \(path): \(status.code) is not in the contract"); continue
                    }
                    guard let content = response["content"] as? [String: Any],
                          let media = content["application/json"] as? [String: Any],
                          let schema = media["schema"] as? [String: Any] else { continue }
                    let value = try JSONDecoder().decode(JSONAny.self, from: body)
                    let problems = SchemaCheck(doc).check(value, schema, at: "$")
                    XCTAssertEqual(problems, [], "\(login) GET \(path)")
                }
            }
        }
    }

    func testNoStatusIsOneWordAndTheNewListsFollowTheRoles() async throws {
        try await withApp(demo: true) { app in
            let office = try await bearer(app, login: "office")
            let unit = try await bearer(app, login: "unit")
            let admin = try await bearer(app, login: "admin")
            // Given the demo, when the office reads the dashboard counts and the inspections,
            let counts = try await json(app, "/api/v1/dashboard/counts", token: office)
            let statusKeys = Set((counts["byStatus"] as? [String: Int] ?? [:]).keys)
            // then a task without a public status is "unassessed" in both, never "none".
            XCTAssertTrue(statusKeys.isSubset(of: Set(PublicStatus.allCases.map(\.rawValue) + ["unassessed"])), "\(statusKeys)")
            let inspections = try await json(app, "/api/v1/inspections", token: office)
            for item in inspections["items"] as? [[String: Any]] ?? [] {
                let keys = Set((item["tasksByStatus"] as? [String: Int] ?? [:]).keys)
                XCTAssertTrue(keys.isSubset(of: Set(PublicStatus.allCases.map(\.rawValue) + ["unassessed"])), "\(keys)")
            }
            // When units, regions, rounds, orders and users are listed, each is a page,
            for path in ["/api/v1/units", "/api/v1/regions", "/api/v1/rounds", "/api/v1/orders"] {
                let page = try await json(app, path + "?per=3", token: office)
                XCTAssertEqual(page["per"] as? Int, 3, path)
                XCTAssertLessThanOrEqual((page["items"] as? [Any])?.count ?? 99, 3, path)
            }
            let regions = try await json(app, "/api/v1/regions?per=200", token: office)
            let codes = (regions["items"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? Int }
            XCTAssertTrue(codes.contains(211400), "葫芦岛市 is a region of 辽宁")
            XCTAssertTrue(codes.allSatisfy { (210000...219999).contains($0) })
            // and the users are the administrator's alone; rounds are not a unit's to list.
            try await expectStatus(app, "/api/v1/users", token: office, .forbidden)
            try await expectStatus(app, "/api/v1/users", token: admin, .ok)
            try await expectStatus(app, "/api/v1/rounds", token: unit, .forbidden)
            let users = try await json(app, "/api/v1/users?per=200", token: admin)
            let logins = (users["items"] as? [[String: Any]] ?? []).compactMap { $0["login"] as? String }
            XCTAssertTrue(logins.contains("office"))
            XCTAssertFalse(String(describing: users).contains("passwordHash"))
        }
    }

    // MARK: Helpers

    private func document(_ app: Application) async throws -> [String: Any] {
        var data = Data()
        try await app.test(.GET, "/api/v1/openapi.json") { res async in
            XCTAssertEqual(res.status, .ok)
            data = Data(res.body.readableBytesView)
        }
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    private func bearer(_ app: Application, login: String) async throws -> String {
        let user = try await unwrap(try await User.query(on: app.db).filter(\.$login == login).first())
        let token = "rct_test_\(login)_\(UUID().uuidString)"
        try await ApiToken(userID: try user.requireID(), name: "contract test", tokenHash: TokenAPI.hash(token)).create(on: app.db)
        return token
    }

    private func json(_ app: Application, _ path: String, token: String) async throws -> [String: Any] {
        var data = Data()
        try await app.test(.GET, path, headers: ["Authorization": "Bearer \(token)"]) { res async in
            XCTAssertEqual(res.status, .ok, path)
            data = Data(res.body.readableBytesView)
        }
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any], path)
    }

    private func expectStatus(_ app: Application, _ path: String, token: String, _ status: HTTPStatus,
                              file: StaticString = #filePath, line: UInt = #line) async throws {
        try await app.test(.GET, path, headers: ["Authorization": "Bearer \(token)"]) { res async in
            XCTAssertEqual(res.status, status, path, file: file, line: line)
        }
    }
}

/// A JSON value that keeps booleans, integers and other numbers apart.
indirect enum JSONAny: Decodable, CustomStringConvertible {
    case null, bool(Bool), int(Int), double(Double), string(String), array([JSONAny]), object([String: JSONAny])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONAny].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONAny].self)) }
    }

    var description: String {
        switch self {
        case .null: "null"
        case .bool(let b): "\(b)"
        case .int(let i): "\(i)"
        case .double(let d): "\(d)"
        case .string(let s): "\"\(s)\""
        case .array(let a): "[\(a.count) items]"
        case .object: "{…}"
        }
    }
}

/// A small JSON Schema checker for the subset the document uses: type (one or a list),
/// properties, required, enum, items, additionalProperties, anyOf, $ref.
struct SchemaCheck {
    let document: [String: Any]
    init(_ document: [String: Any]) { self.document = document }

    func check(_ value: JSONAny, _ schema: [String: Any], at path: String) -> [String] {
        if let ref = schema["$ref"] as? String {
            var node: Any = document
            for part in ref.dropFirst(2).split(separator: "/") { node = (node as? [String: Any])?[String(part)] ?? [:] }
            return check(value, node as? [String: Any] ?? [:], at: path)
        }
        if let any = schema["anyOf"] as? [[String: Any]] {
            return any.contains { check(value, $0, at: path).isEmpty } ? [] : ["\(path): matches none of anyOf"]
        }
        var problems: [String] = []
        let types: [String] = (schema["type"] as? [String]) ?? (schema["type"] as? String).map { [$0] } ?? []
        if !types.isEmpty && !types.contains(where: { Self.matches(value, $0) }) {
            return ["\(path): \(value) is not \(types)"]
        }
        if let cases = schema["enum"] as? [Any] {
            let ok: Bool
            switch value {
            case .null: ok = cases.contains { $0 is NSNull }
            case .string(let s): ok = cases.contains { ($0 as? String) == s }
            default: ok = false
            }
            if !ok { problems.append("\(path): \(value) is not one of \(cases)") }
        }
        switch value {
        case .object(let object):
            let properties = schema["properties"] as? [String: [String: Any]] ?? [:]
            for name in schema["required"] as? [String] ?? [] where object[name] == nil {
                problems.append("\(path).\(name) is required")
            }
            for (key, v) in object {
                if let p = properties[key] {
                    problems += check(v, p, at: "\(path).\(key)")
                } else if let extra = schema["additionalProperties"] as? [String: Any] {
                    problems += check(v, extra, at: "\(path).\(key)")
                } else if !properties.isEmpty {
                    problems.append("\(path).\(key) is not in the schema")
                }
            }
        case .array(let array):
            if let items = schema["items"] as? [String: Any] {
                for (i, v) in array.enumerated() { problems += check(v, items, at: "\(path)[\(i)]") }
            }
        default: break
        }
        return problems
    }

    static func matches(_ value: JSONAny, _ type: String) -> Bool {
        switch (value, type) {
        case (.null, "null"), (.string, "string"), (.bool, "boolean"), (.int, "integer"), (.int, "number"), (.double, "number"),
             (.array, "array"), (.object, "object"): true
        default: false
        }
    }
}
