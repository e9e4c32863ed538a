import Fluent
import NIOCore
import RectifyCore
import Vapor

/// `rectify serve`: brings the schema up to date, loads the demo on an empty
/// database (unless `--no-demo`), then serves and says where to log in.
struct ServeWithDemoCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "hostname", short: "H", help: "监听地址(默认 127.0.0.1)")
        var hostname: String?
        @Option(name: "port", short: "p", help: "端口(默认 8080)")
        var port: Int?
        @Flag(name: "no-demo", help: "空数据库也不加载演示数据")
        var noDemo: Bool
        init() {}
    }

    var help: String { "启动服务(自动迁移数据库;空库时加载演示数据)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let hostname = signature.hostname ?? "127.0.0.1"
        let port = signature.port ?? 8080
        guard (1...65535).contains(port) else {
            throw StartupError("端口 \(port) 无效:请用 --port 指定 1 至 65535 之间的端口。")
        }
        let console = context.console
        let loadDemo = !signature.noDemo
        try await app.prepareDatabase { app in
            guard loadDemo, try await DemoLoader.databaseIsEmpty(app.db) else { return }
            let hasher = app.password
            let s = try await DemoLoader.load(on: app.db) { try hasher.hash($0) }
            console.print("已加载演示数据:\(s.inspections) 次督察,\(s.problems) 个反馈问题,\(s.tasks) 项整改任务,\(s.units) 个单位,\(s.users) 个用户。")
        }

        var serveContext = context
        serveContext.input = CommandInput(arguments: ["rectify serve", "--hostname", hostname, "--port", String(port)])
        try await app.servers.asyncCommand.run(using: &serveContext)

        let shown = hostname == "0.0.0.0" ? "127.0.0.1" : hostname
        context.console.print("Rectify 已启动:http://\(shown):\(port)/  (\(app.rectifyConfig?.storeDescription ?? ""))")
        if try await User.query(on: app.db).filter(\.$login ~~ DemoCatalog.users.map(\.login)).count() > 0 {
            context.console.print("演示账号(若未改密码):")
            for u in DemoCatalog.users {
                context.console.print("  \(u.login.padding(toLength: 9, withPad: " ", startingAt: 0)) 密码 \(u.password.padding(toLength: 14, withPad: " ", startingAt: 0)) \(u.displayName)")
            }
        }
        // Lights and statuses are recomputed at every change of day (and before the first
        // request of a day on any instance), so every view of a task agrees.
        app.scheduler.start(app)
        EvidenceSweep.start(app)
        context.console.print("按 Ctrl+C 停止。")
    }
}
