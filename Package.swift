// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Rectify",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "rectify", targets: ["rectify"]),
        .library(name: "RectifyCore", targets: ["RectifyCore"]),
        .library(name: "RectifyServer", targets: ["RectifyServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/JohnSundell/Plot.git", from: "0.14.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
    ],
    targets: [
        // The rules of rectification: no web framework in here.
        .target(name: "RectifyCore"),
        // The Office formats offices live in: XLSX in and out, DOCX out. No Vapor here.
        .target(name: "RectifyOffice", dependencies: ["RectifyCore", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        // HTTP, persistence and views over the core.
        .target(
            name: "RectifyServer",
            dependencies: [
                "RectifyCore",
                "RectifyOffice",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "Plot", package: "Plot"),
            ],
            resources: [.copy("Resources")]
        ),
        .executableTarget(name: "rectify", dependencies: ["RectifyServer"]),
        // Fixtures: the seed reports, copied from ../shared/seeds so the tests stand alone.
        .testTarget(name: "RectifyCoreTests", dependencies: ["RectifyCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "RectifyOfficeTests", dependencies: ["RectifyOffice"]),
        .testTarget(
            name: "RectifyServerTests",
            dependencies: [
                "RectifyServer",
                // The executable tests run the real binary, so it must be built.
                "rectify",
                .product(name: "XCTVapor", package: "vapor"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
    ]
)
