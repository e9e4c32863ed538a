// swift-tools-version:6.2
import PackageDescription

let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]

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
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.29.0"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/JohnSundell/Plot.git", from: "0.14.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        // Sources build with warnings as errors: both warnings that ever stood in Sources hid a bug
        // (an XML escape that trapped, full-width punctuation flattened to ASCII).
        // The rules of rectification: no web framework in here.
        .target(name: "RectifyCore", swiftSettings: strict),
        // The Office formats offices live in: XLSX in and out, DOCX out. No Vapor here.
        .target(name: "RectifyOffice", dependencies: ["RectifyCore", .product(name: "ZIPFoundation", package: "ZIPFoundation")], swiftSettings: strict),
        // HTTP, persistence and views over the core.
        .target(
            name: "RectifyServer",
            dependencies: [
                "RectifyCore",
                "RectifyOffice",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "Plot", package: "Plot"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: strict
        ),
        .executableTarget(name: "rectify", dependencies: ["RectifyServer"], swiftSettings: strict),
        // A Vapor hello-world: the ceiling bench/request-path.sh measures every page against.
        .executableTarget(name: "bench-hello", dependencies: [.product(name: "Vapor", package: "vapor")], path: "bench/hello",
                          swiftSettings: strict),
        // Hostile text for the property tests of every target.
        .target(
            name: "RectifyTestSupport",
            dependencies: [.product(name: "PropertyBased", package: "swift-property-based")],
            path: "Tests/TestSupport"
        ),
        // Fixtures: the seed reports, copied from ../shared/seeds so the tests stand alone.
        .testTarget(
            name: "RectifyCoreTests",
            dependencies: ["RectifyCore", "RectifyTestSupport", .product(name: "PropertyBased", package: "swift-property-based")],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "RectifyOfficeTests",
            dependencies: ["RectifyOffice", "RectifyTestSupport", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(
            name: "RectifyServerTests",
            dependencies: [
                "RectifyServer",
                // The executable tests run the real binary, so it must be built.
                "rectify",
                .product(name: "XCTVapor", package: "vapor"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                "RectifyTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
    ]
)
