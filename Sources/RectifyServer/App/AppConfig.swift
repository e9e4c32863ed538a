import Foundation

/// Everything the server reads from its environment, read once at start-up.
/// A bad value stops start-up with one line saying what is wrong and what to do.
public struct AppConfig: Sendable {
    public enum Store: Sendable, Equatable {
        /// The embedded default: one file under the data directory.
        case sqlite(path: String)
        /// For offices that outgrow one machine: `DATABASE_URL=postgres://…`.
        case postgres(url: String)
    }

    public var store: Store
    /// Where the SQLite file and (later) evidence files live. Default `./data`.
    public var dataDirectory: String
    /// The largest evidence file accepted, in bytes (`RECTIFY_EVIDENCE_MAX_MB`, default 50).
    public var evidenceMaxBytes: Int

    /// Where evidence files are kept (`RECTIFY_EVIDENCE_DIR`, default `<data>/evidence`).
    /// Several instances on one PostgreSQL must all mount the same directory here.
    public var evidenceDirectory: String
    /// Whether the session cookie is sent only over HTTPS (`RECTIFY_COOKIE_SECURE=1`):
    /// on whenever users reach the server through HTTPS.
    public var secureCookies: Bool
    /// A session ends after this long without a request (`RECTIFY_SESSION_IDLE_MINUTES`, default 120) …
    public var sessionIdleSeconds: Int
    /// … and this long after login whatever happens (`RECTIFY_SESSION_MAX_HOURS`, default 12).
    public var sessionMaxSeconds: Int
    /// How long a signed-in user read from the database is trusted without reading it again
    /// (`SignedInCache`), which is the longest a logout, password change, deactivation or
    /// revoked token made elsewhere takes to be seen here. SQLite (one server; the command
    /// line is the only elsewhere): 5 s. PostgreSQL, where several instances share the
    /// sessions and a logout on one must hold on all at once: 0, off, unless
    /// `RECTIFY_SIGNED_IN_CACHE_SECONDS` says otherwise (an office running one instance).
    public var signedInCacheSeconds: Double
    /// How long `/healthz` trusts the database's last good answer before asking again
    /// (`RECTIFY_HEALTH_CHECK_SECONDS`, default 1; 0 asks on every call). A failure is never
    /// remembered: the next call asks again. Monitors poll every few seconds; a burst of
    /// them costs one query a second, not one each.
    public var healthCheckSeconds: Double = 1
    /// The address users reach the site at (`RECTIFY_PUBLIC_URL`, e.g. https://zgb.example.gov.cn):
    /// outbound messages link to it. Unset: they carry the path alone.
    public var publicURL: String?
    /// The first retry of a failed outbound message waits this long, each next one twice
    /// as long, up to an hour (`Deliverer`). Tests set it to 0.
    public var deliveryRetrySeconds: Double = 30

    public init(store: Store, dataDirectory: String, evidenceMaxBytes: Int = 50 * 1024 * 1024,
                evidenceDirectory: String? = nil, secureCookies: Bool = false,
                sessionIdleSeconds: Int = 120 * 60, sessionMaxSeconds: Int = 12 * 3600) {
        self.store = store
        self.dataDirectory = dataDirectory
        self.evidenceMaxBytes = evidenceMaxBytes
        self.evidenceDirectory = evidenceDirectory ?? dataDirectory + "/evidence"
        self.secureCookies = secureCookies
        self.sessionIdleSeconds = sessionIdleSeconds
        self.sessionMaxSeconds = sessionMaxSeconds
        if case .postgres = store { signedInCacheSeconds = 0 } else { signedInCacheSeconds = 5 }
    }

    /// `DATABASE_URL` selects PostgreSQL; `RECTIFY_DATA_DIR` moves the data directory.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> AppConfig {
        let dataDirectory = env["RECTIFY_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "./data"
        var maxBytes = 50 * 1024 * 1024
        if let text = env["RECTIFY_EVIDENCE_MAX_MB"], !text.isEmpty {
            guard let mb = Int(text), (1...2048).contains(mb) else {
                throw StartupError("RECTIFY_EVIDENCE_MAX_MB 应为 1 至 2048 之间的整数(单位 MB),现为“\(text)”。")
            }
            maxBytes = mb * 1024 * 1024
        }
        func number(_ name: String, _ range: ClosedRange<Int>, default value: Int, unit: String) throws -> Int {
            guard let text = env[name], !text.isEmpty else { return value }
            guard let n = Int(text), range.contains(n) else {
                throw StartupError("\(name) 应为 \(range.lowerBound) 至 \(range.upperBound) 之间的整数(单位\(unit)),现为“\(text)”。")
            }
            return n
        }
        let idle = try number("RECTIFY_SESSION_IDLE_MINUTES", 1...10_080, default: 120, unit: "分钟")
        let max = try number("RECTIFY_SESSION_MAX_HOURS", 1...720, default: 12, unit: "小时")
        let secure: Bool
        switch env["RECTIFY_COOKIE_SECURE"] ?? "" {
        case "", "0", "false": secure = false
        case "1", "true": secure = true
        case let other: throw StartupError("RECTIFY_COOKIE_SECURE 应为 1(经 HTTPS 访问时)或 0,现为“\(other)”。")
        }
        let evidence = env["RECTIFY_EVIDENCE_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        let store: Store
        if let url = env["DATABASE_URL"], !url.isEmpty {
            guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://"), URL(string: url)?.host != nil else {
                throw StartupError("DATABASE_URL 不是 PostgreSQL 地址:应形如 postgres://用户:密码@主机:5432/数据库;不设置 DATABASE_URL 则使用内置 SQLite。")
            }
            store = .postgres(url: url)
        } else {
            store = .sqlite(path: dataDirectory + "/rectify.sqlite")
        }
        var config = AppConfig(store: store, dataDirectory: dataDirectory, evidenceMaxBytes: maxBytes, evidenceDirectory: evidence,
                               secureCookies: secure, sessionIdleSeconds: idle * 60, sessionMaxSeconds: max * 3600)
        if let url = env["RECTIFY_PUBLIC_URL"], !url.isEmpty {
            guard url.hasPrefix("http://") || url.hasPrefix("https://"), URL(string: url)?.host != nil else {
                throw StartupError("RECTIFY_PUBLIC_URL 应为用户访问本系统的地址,形如 https://zgb.example.gov.cn,现为“\(url)”。")
            }
            config.publicURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        }
        if env["RECTIFY_HEALTH_CHECK_SECONDS"]?.isEmpty == false {
            config.healthCheckSeconds = Double(try number("RECTIFY_HEALTH_CHECK_SECONDS", 0...60, default: 1, unit: "秒"))
        }
        if env["RECTIFY_SIGNED_IN_CACHE_SECONDS"]?.isEmpty == false {
            config.signedInCacheSeconds = Double(try number("RECTIFY_SIGNED_IN_CACHE_SECONDS", 0...60, default: 0, unit: "秒"))
        }
        return config
    }

    /// The database as it may be shown: a PostgreSQL URL without its password.
    public var storeDescription: String {
        switch store {
        case .sqlite(let path): return "SQLite \(path)"
        case .postgres(let url):
            guard var c = URLComponents(string: url) else { return "PostgreSQL" }
            if c.password != nil { c.password = "***" }
            return "PostgreSQL \(c.string ?? "")"
        }
    }
}

/// A problem that stops a command before it does anything, said in one line.
public struct StartupError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
