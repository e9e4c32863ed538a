import Logging
import PostgresKit
import PostgresNIO
import Vapor

/// Before the pool is used, one quiet connection attempt, so an unreachable or
/// misconfigured `DATABASE_URL` is reported as one sentence naming the cause instead
/// of the pool's retry log.
enum PostgresProbe {
    static func check(url: String, on eventLoop: any EventLoop) async throws {
        let configuration = try SQLPostgresConfiguration(url: url)
        let quiet = Logger(label: "rectify.probe", factory: { _ in SwiftLogNoOpLogHandler() })
        let shown = AppConfig(store: .postgres(url: url), dataDirectory: "").storeDescription
        do {
            let connection = try await PostgresConnection.connect(
                on: eventLoop, configuration: configuration.coreConfiguration, id: 0, logger: quiet)
            try await connection.close()
        } catch {
            throw StartupError("无法连接 \(shown):\(reason(error))")
        }
    }

    /// The key of the advisory lock held while the schema is migrated and the demo loaded.
    static let startupLockKey = 7_420_002

    /// Runs `body` holding a session-level advisory lock on a connection of its own, so
    /// the pool's connections stay free for `body` itself.
    static func withStartupLock(url: String, on eventLoop: any EventLoop, _ body: () async throws -> Void) async throws {
        let configuration = try SQLPostgresConfiguration(url: url)
        let quiet = Logger(label: "rectify.startup-lock", factory: { _ in SwiftLogNoOpLogHandler() })
        let connection = try await PostgresConnection.connect(
            on: eventLoop, configuration: configuration.coreConfiguration, id: 1, logger: quiet)
        do {
            _ = try await connection.query("SELECT pg_advisory_lock(\(startupLockKey))", logger: quiet)
            try await body()
            _ = try? await connection.query("SELECT pg_advisory_unlock(\(startupLockKey))", logger: quiet)
            try await connection.close()
        } catch {
            // Closing the session releases the lock too.
            try? await connection.close()
            throw error
        }
    }

    static func reason(_ error: any Error) -> String {
        let detail = String(reflecting: error)
        if detail.contains("Connection refused") {
            return "连接被拒绝。请确认 PostgreSQL 已启动,主机和端口正确。"
        }
        if detail.contains("28P01") || detail.contains("password authentication failed") || detail.contains("28000") {
            return "用户名或密码错误。请检查 DATABASE_URL 中的账号。"
        }
        if detail.contains("3D000") {
            return "数据库不存在。请先创建数据库(createdb),或检查 DATABASE_URL 中的数据库名。"
        }
        if detail.contains("timed out") || detail.contains("Timeout") {
            return "连接超时。请检查网络和防火墙。"
        }
        if detail.contains("No such host") || detail.contains("resolve") {
            return "无法解析主机名。请检查 DATABASE_URL 中的主机。"
        }
        return "请确认数据库已启动、地址和账号正确。"
    }
}
