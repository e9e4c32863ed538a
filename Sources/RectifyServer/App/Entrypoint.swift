import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import SQLiteNIO
import Vapor
import RectifyCore

/// What the `rectify` executable runs. Any failure ends as one line on standard
/// error saying what is wrong and what to do, and a non-zero exit; no stack traces.
public enum Rectify {
    /// Runs Swift's tasks on the server's event loops instead of a second pool of threads,
    /// so an async handler starts without waking another thread and handing the request
    /// across: that hand-over cost more than everything else a small request does (issue 11,
    /// BENCHMARKS.md). Work that blocks a thread (Bcrypt, a large export) now holds an event
    /// loop instead of a pool thread; there are as many of either as cores. Call once, from
    /// the main thread, before any task starts.
    public static func runTasksOnEventLoops() {
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }

    public static func main() async -> Int32 {
        // A command that needs neither the database nor the server runs without them: building
        // the application (databases, routes and their API schemas, scheduler) was more than
        // half of `import-report`'s time (BENCHMARKS.md).
        if let name = CommandLine.arguments.dropFirst().first, let command = standalone(name) {
            return await runAlone(name, command)
        }
        var env: Environment
        do {
            env = try Environment.detect()
            try LoggingSystem.bootstrap(from: &env)
        } catch {
            return fail(error)
        }
        let app: Application
        do {
            app = try await Application.make(env)
        } catch {
            return fail(error)
        }
        var code: Int32 = 0
        do {
            try await configure(app)
            try await app.startup()
            try await app.running?.onStop.get()
        } catch {
            code = fail(error)
        }
        guard await drain(app) else {
            // Requests still running after the grace period: closing the databases under
            // them would trap. Exit instead; their transactions were not committed and no
            // client was told they were.
            app.logger.critical("requests still running \(Int(shutdownGrace)) s after SIGTERM; exiting without closing the databases")
            return code == 0 ? 1 : code
        }
        try? await app.asyncShutdown()
        return code
    }

    /// Commands that read a file and print, touching nothing else; `configure` lists them too, so
    /// `rectify --help` shows them.
    static func standalone(_ name: String) -> (any AnyAsyncCommand)? {
        switch name {
        case "import-report": ImportReportCommand()
        default: nil
        }
    }

    static func runAlone(_ name: String, _ command: any AnyAsyncCommand) async -> Int32 {
        var input = CommandInput(arguments: CommandLine.arguments)
        input.arguments = Array(input.arguments.dropFirst())  // the command's name, read already
        input.executablePath.append(name)
        do {
            // Through the console, as Vapor runs commands: it answers --help.
            try await Terminal().run(command, input: input)
            return 0
        } catch {
            return fail(error)
        }
    }

    /// Seconds the server gives requests in flight to finish after SIGTERM.
    static let shutdownGrace: Double = 5

    /// Graceful stop: Vapor closes the databases (a lifecycle handler) before it stops
    /// the HTTP server (storage), so a request still running then met a closed database
    /// and trapped in Fluent's `Request.db`. Stop accepting and let the requests in
    /// flight finish first (bounded), then shut the rest down. True when none is left.
    static func drain(_ app: Application) async -> Bool {
        await app.http.server.shared.shutdown()
        let deadline = Date().addingTimeInterval(shutdownGrace)
        while app.inFlight.count > 0, Date() < deadline {
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        return app.inFlight.count == 0
    }

    static func fail(_ error: any Error) -> Int32 {
        FileHandle.standardError.write(Data(("rectify: " + explain(error) + "\n").utf8))
        return 1
    }

    /// One line for people, from whatever went wrong.
    public static func explain(_ error: any Error) -> String {
        switch error {
        case let e as StartupError:
            return e.message
        case let e as ValidationFailure:
            return e.violations.map(\.message).joined(separator: ";")
        case let e as CommandError:
            switch e {
            case .unknownInput(let input):
                return "无法识别的参数:\(input)。运行 rectify --help 或 rectify <命令> --help 查看用法。"
            case .unknownCommand(let name, let available):
                return "没有命令“\(name)”:可用命令为 \(available.sorted().joined(separator: ", "))。"
            case .invalidOptionType(let name, _), .invalidArgumentType(let name, _):
                return "参数 --\(name) 的值格式不对:运行 rectify <命令> --help 查看用法。"
            case .missingRequiredArgument(let name):
                return "缺少参数 \(name):运行 rectify <命令> --help 查看用法。"
            case .missingCommand:
                return "缺少命令:运行 rectify --help 查看用法。"
            }
        case let e as IOError where e.errnoCode == EADDRINUSE:
            return "端口已被占用:请用 --port 指定其他端口,或先停止占用该端口的程序。"
        case let e as IOError where e.errnoCode == EADDRNOTAVAIL:
            return "无法在该地址监听:请用 --hostname 指定本机地址,如 127.0.0.1 或 0.0.0.0。"
        case let e as PSQLError:
            // The server answered (a deadlock, a duplicate key, a missing table): say what it
            // said. Only an error without a server's answer is a connection problem.
            if let info = e.serverInfo, let message = info[.message] {
                let state = info[.sqlState].map { "(SQLSTATE \($0))" } ?? ""
                return "PostgreSQL 报错\(state):\(message.prefix(200))"
            }
            return "无法连接 PostgreSQL(DATABASE_URL):请确认数据库已启动、地址和账号正确。详情:\(String(describing: e.code))"
        case let e as SQLiteError:
            return "SQLite 数据库出错:\(e.message)。请检查数据目录(RECTIFY_DATA_DIR)是否可写。"
        default:
            let text = String(describing: error)
            if text.contains("Address already in use") {
                return "端口已被占用:请用 --port 指定其他端口,或先停止占用该端口的程序。"
            }
            if text.localizedCaseInsensitiveContains("connection refused") || text.contains("connect(descriptor") {
                return "无法连接数据库(DATABASE_URL):连接被拒绝,请确认 PostgreSQL 已启动且地址、端口正确。"
            }
            return "出错了:\(text.prefix(300))"
        }
    }
}
