import Fluent
import RectifyCore

/// Loads the shipped region catalogue (RegionCatalog), provinces first so every
/// parent exists before its children.
struct M002_SeedRegions: AsyncMigration {
    var name: String { "002_SeedRegions" }

    func prepare(on db: any Database) async throws {
        let ordered = RegionCatalog.all.sorted { ($0.level.depth, $0.code) < ($1.level.depth, $1.code) }
        try await db.transaction { tx in
            for entry in ordered {
                try await Region(code: entry.code, name: entry.name, level: entry.level,
                                 parentCode: RegionCatalog.parentCode(of: entry.code)).create(on: tx)
            }
        }
    }

    func revert(on db: any Database) async throws {
        let codes = RegionCatalog.all.sorted { $0.level.depth > $1.level.depth }.map(\.code)
        for code in codes {
            try await Region.query(on: db).filter(\.$id == code).delete()
        }
    }
}

extension RegionLevel {
    var depth: Int {
        switch self {
        case .province: 0
        case .city: 1
        case .county: 2
        }
    }
}
