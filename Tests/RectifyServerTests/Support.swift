import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor
import XCTVapor
@testable import RectifyServer

/// Every server test runs the real `configure(app, config:)` against a real
/// database of its own: a fresh SQLite file in a temporary directory, or, when
/// `RECTIFY_TEST_DATABASE_URL` is set, a freshly emptied PostgreSQL schema.
/// Tests never touch ./data/ and never read DATABASE_URL.
enum TestDatabase {
    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["RECTIFY_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static var isPostgres: Bool { postgresURL != nil }

    static func makeConfig(directory: String) throws -> AppConfig {
        guard let url = postgresURL else {
            return AppConfig(store: .sqlite(path: directory + "/rectify.sqlite"), dataDirectory: directory)
        }
        // The suite empties the schema before each test: refuse any database that is
        // not obviously a test database, so a mistyped variable cannot wipe real data.
        guard let name = URLComponents(string: url)?.path.split(separator: "/").last, name.contains("test") else {
            throw StartupError("RECTIFY_TEST_DATABASE_URL must name a database whose name contains 'test': \(url)")
        }
        return AppConfig(store: .postgres(url: url), dataDirectory: directory)
    }
}

/// Given a configured, migrated, empty application, run `body`, then shut it down.
func withApp(demo: Bool = false, adjust: (inout AppConfig) -> Void = { _ in },
             _ body: (Application) async throws -> Void) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rectify-test-\(UUID().uuidString)").path
    let app = try await Application.make(.testing)
    do {
        var config = try TestDatabase.makeConfig(directory: directory)
        adjust(&config)
        try await configure(app, config: config)
        if TestDatabase.isPostgres, let sql = app.db as? any SQLDatabase {
            try await sql.raw("DROP SCHEMA IF EXISTS public CASCADE").run()
            try await sql.raw("CREATE SCHEMA public").run()
        }
        try await app.prepareDatabase()
        if demo {
            let hasher = app.password
            try await DemoLoader.load(on: app.db) { try hasher.hash($0) }
        }
        try await body(app)
    } catch {
        try? await app.asyncShutdown()
        try? FileManager.default.removeItem(atPath: directory)
        throw error
    }
    try await app.asyncShutdown()
    try? FileManager.default.removeItem(atPath: directory)
}

/// A console that records what commands print and answers prompts from a script.
final class RecordingConsole: Console, @unchecked Sendable {
    private let lock = NIOLock()
    private var lines: [String] = []
    private var answers: [String]
    var userInfo: [AnySendableHashable: any Sendable] = [:]

    init(answers: [String] = []) { self.answers = answers }

    var size: (width: Int, height: Int) { (120, 40) }
    var output: String { lock.withLock { lines.joined() } }

    func input(isSecure: Bool) -> String {
        lock.withLock { answers.isEmpty ? "" : answers.removeFirst() }
    }

    func output(_ text: ConsoleText, newLine: Bool) {
        lock.withLock { lines.append(text.description + (newLine ? "\n" : "")) }
    }

    func clear(_ type: ConsoleClear) {}

    func report(error: String, newLine: Bool) {
        lock.withLock { lines.append(error + (newLine ? "\n" : "")) }
    }
}

/// Runs one command in-process with the given arguments, as `rectify <args>` would.
func runCommand(_ command: any AnyAsyncCommand, _ arguments: [String], on app: Application,
         console: RecordingConsole = RecordingConsole()) async throws -> String {
    var context = CommandContext(console: console, input: CommandInput(arguments: ["rectify"] + arguments))
    context.application = app
    try await command.run(using: &context)
    return console.output
}

extension Application {
    /// The CSRF token the pages of this session carry in their forms.
    func csrfToken(_ cookies: HTTPCookies) async throws -> String {
        var token = ""
        try await test(.GET, "/tokens", beforeRequest: { $0.signIn(cookies) }) { res async in
            let html = res.body.string
            if let r = html.range(of: #"name="_csrf" value=""#) {
                token = String(html[r.upperBound...].prefix { $0 != "\"" })
            }
        }
        XCTAssertFalse(token.isEmpty, "no CSRF token on the page")
        return token
    }

    /// Logs in through the real form and returns the session cookie; remembers the
    /// session's CSRF token (from GET /api/v1/session) for `signIn`.
    func sessionCookie(login: String, password: String) async throws -> HTTPCookies {
        var cookies = HTTPCookies()
        try await test(.POST, SiteURL.login.path, beforeRequest: { req in
            try req.content.encode(["login": login, "password": password], as: .urlEncodedForm)
        }, afterResponse: { res async in
            XCTAssertEqual(res.status, .seeOther, "login as \(login) should succeed")
            if let value = res.headers.setCookie?["rectify_session"] { cookies["rectify_session"] = value }
        })
        if let value = cookies["rectify_session"]?.string {
            try await test(.GET, "/api/v1/session", beforeRequest: { $0.signIn(cookies) }) { res async in
                struct Current: Decodable { let csrfToken: String? }
                if let token = try? res.content.decode(Current.self).csrfToken { CSRFTokens.remember(token, for: value) }
            }
        }
        return cookies
    }
}

/// The CSRF token of each test session, by cookie value.
enum CSRFTokens {
    private static let tokens = NIOLockedValueBox<[String: String]>([:])
    static func remember(_ token: String, for cookie: String) { tokens.withLockedValue { $0[cookie] = token } }
    static func token(for cookie: String) -> String? { tokens.withLockedValue { $0[cookie] } }
}

extension XCTHTTPRequest {
    /// A web form with a file, as a browser posts it: text fields, then one file part.
    mutating func multipartForm(_ fields: [(String, String)], file: (name: String, type: String, content: String)) {
        let boundary = "----rectify-test"
        var body = ""
        for (name, value) in fields {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file.name)\"\r\n"
        body += "Content-Type: \(file.type)\r\n\r\n\(file.content)\r\n--\(boundary)--\r\n"
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        self.body = ByteBuffer(string: body)
    }

    /// Sends the session cookie, and with it the session's CSRF token as a script of
    /// the signed-in user would (the API refuses cookie-authenticated writes without it).
    mutating func signIn(_ cookies: HTTPCookies?) {
        guard let cookies else { return }
        headers.cookie = cookies
        if let value = cookies["rectify_session"]?.string, let token = CSRFTokens.token(for: value) {
            headers.replaceOrAdd(name: "X-CSRF-Token", value: token)
        }
    }
}

/// `XCTUnwrap` for values that take an `await` to get (its autoclosure cannot).
func unwrap<T>(_ value: T?, file: StaticString = #filePath, line: UInt = #line) throws -> T {
    try XCTUnwrap(value, file: file, line: line)
}
