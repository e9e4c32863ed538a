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

    public init(store: Store, dataDirectory: String, evidenceMaxBytes: Int = 50 * 1024 * 1024) {
        self.store = store
        self.dataDirectory = dataDirectory
        self.evidenceMaxBytes = evidenceMaxBytes
    }

    public var evidenceDirectory: String { dataDirectory + "/evidence" }

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
        if let url = env["DATABASE_URL"], !url.isEmpty {
            guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://"), URL(string: url)?.host != nil else {
                throw StartupError("DATABASE_URL 不是 PostgreSQL 地址:应形如 postgres://用户:密码@主机:5432/数据库;不设置 DATABASE_URL 则使用内置 SQLite。")
            }
            return AppConfig(store: .postgres(url: url), dataDirectory: dataDirectory, evidenceMaxBytes: maxBytes)
        }
        return AppConfig(store: .sqlite(path: dataDirectory + "/rectify.sqlite"), dataDirectory: dataDirectory,
                         evidenceMaxBytes: maxBytes)
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
