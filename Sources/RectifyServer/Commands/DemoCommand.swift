import Vapor

/// `rectify demo`: loads the demo data into an empty database.
struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature { init() {} }
    var help: String { "向空数据库加载演示数据" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.prepareDatabase()
        guard try await DemoLoader.databaseIsEmpty(app.db) else {
            throw StartupError("数据库中已有数据,未加载演示数据:演示数据只加载到空数据库,以免与真实数据混在一起。")
        }
        let hasher = app.password
        let s = try await DemoLoader.load(on: app.db) { try hasher.hash($0) }
        context.console.print("已加载演示数据:\(s.inspections) 次督察,\(s.problems) 个反馈问题,\(s.tasks) 项整改任务,\(s.units) 个单位,\(s.users) 个用户。")
    }
}
