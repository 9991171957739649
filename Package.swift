// swift-tools-version: 6.1
import PackageDescription

/// Settings every Swift target shares (as Hummingbird's manifest does).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Portrait",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "portrait", targets: ["portrait"]),
        .library(name: "PortraitCore", targets: ["PortraitCore"]),
        .library(name: "PortraitService", targets: ["PortraitService"]),
        .library(name: "PortraitMockCRM", targets: ["PortraitMockCRM"]),
        .library(name: "PortraitIdentity", targets: ["PortraitIdentity"]),
        .library(name: "PortraitProfiles", targets: ["PortraitProfiles"]),
        .library(name: "PortraitWorld", targets: ["PortraitWorld"]),
        .plugin(name: "ScaffoldConnector", targets: ["ScaffoldConnector"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
    ],
    targets: [
        // System libraries, wrapped by module maps with shims for the variadic C calls.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // Feeds delivered gzip-compressed (`XMLGzipInput`).
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // The `portrait` executable's malloc (Sources/portrait/Allocator.swift says why).
        .systemLibrary(
            name: "CJemalloc",
            pkgConfig: "jemalloc",
            providers: [.apt(["libjemalloc-dev"])]
        ),

        // Embeds `schemas/*.json` into PortraitCore at build time: `schemas/` stays the single source of truth.
        .executableTarget(name: "EmbedSchemasTool", swiftSettings: swiftSettings),
        .plugin(name: "EmbedSchemas", capability: .buildTool(), dependencies: ["EmbedSchemasTool"]),

        .target(
            name: "PortraitCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings,
            plugins: ["EmbedSchemas"]
        ),
        .target(
            name: "PortraitConfig",
            dependencies: ["PortraitCore", "PortraitIdentity", "PortraitProfiles", "Yams"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PortraitStore",
            dependencies: ["PortraitCore"],
            swiftSettings: swiftSettings
        ),
        // Identity resolution: observations, deterministic rules, blocking, Fellegi-Sunter scoring and EM, clustering.
        // Pure engine over the `IdentityStore` protocol; the SQLite store implements it.
        .target(
            name: "PortraitIdentity",
            dependencies: ["PortraitCore"],
            swiftSettings: swiftSettings
        ),
        // Profiles: facts from canonical records, the golden record, traits, tiers, segment expressions, change
        // detection. Pure engine over the `ProfileStore` protocol; the SQLite store implements it.
        .target(
            name: "PortraitProfiles",
            dependencies: ["PortraitCore"],
            swiftSettings: swiftSettings
        ),
        // The benchmark world: one synthetic population seen through every silo, with the truth.
        .target(
            name: "PortraitWorld",
            dependencies: ["PortraitCore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PortraitStoreSQLite",
            dependencies: [
                "PortraitCore", "PortraitStore", "PortraitIdentity", "PortraitProfiles",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PortraitHTTP",
            dependencies: ["CCurl", "PortraitCore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PortraitConnectors",
            dependencies: ["PortraitCore", "PortraitHTTP", "CLibXML2", "CZlib"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PortraitService",
            dependencies: [
                "PortraitCore", "PortraitConfig", "PortraitStore", "PortraitStoreSQLite", "PortraitConnectors",
                "PortraitHTTP", "PortraitIdentity", "PortraitProfiles", "PortraitWorld",
                "PortraitMockCRM", "PortraitIntake", .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "portrait",
            dependencies: [
                "PortraitService", "PortraitCore", "PortraitConfig", "PortraitStore", "PortraitMockCRM", "PortraitIntake",
                "PortraitIdentity", "PortraitProfiles", "PortraitWorld", "CJemalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // Writes a new connector kind: `swift package --allow-writing-to-package-directory scaffold-connector --name Foo`.
        .target(name: "ConnectorScaffolding", swiftSettings: swiftSettings),
        .executableTarget(name: "portrait-scaffold", dependencies: ["ConnectorScaffolding"], swiftSettings: swiftSettings),
        .plugin(
            name: "ScaffoldConnector",
            capability: .command(
                intent: .custom(verb: "scaffold-connector", description: "Create a new connector kind with its config schema, mapping example and test"),
                permissions: [.writeToPackageDirectory(reason: "Writes the new connector's source, schema, docs and test")]
            ),
            dependencies: ["portrait-scaffold"]
        ),

        // Helpers for tests and benchmarks only: temporary workspaces, loopback servers.
        .target(
            name: "PortraitTesting",
            dependencies: [
                "PortraitCore", "PortraitStore", "PortraitStoreSQLite",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),

        // An in-process mock CRM (HubSpot- and Salesforce-shaped REST APIs) for tests, benchmarks and `portrait demo`.
        .target(
            name: "PortraitMockCRM",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // The HTTP intake for survey and feedback form submissions: authenticates, parses and limits requests, then
        // hands each submission to a sink.
        .target(
            name: "PortraitIntake",
            dependencies: [
                "PortraitCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        .testTarget(name: "PortraitCoreTests", dependencies: ["PortraitCore", "PortraitTesting"], swiftSettings: swiftSettings),
        .testTarget(name: "PortraitConfigTests", dependencies: ["PortraitConfig", "PortraitConnectors"], swiftSettings: swiftSettings),
        .testTarget(name: "PortraitStoreTests", dependencies: ["PortraitStore", "PortraitStoreSQLite", "PortraitTesting"], swiftSettings: swiftSettings),
        .testTarget(
            name: "PortraitHTTPTests",
            dependencies: ["PortraitHTTP", "CCurl", "CLibXML2", "PortraitTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PortraitConnectorsTests",
            dependencies: ["PortraitConnectors", "PortraitTesting", "PortraitMockCRM"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "PortraitMockCRMTests", dependencies: ["PortraitMockCRM", "PortraitTesting"], swiftSettings: swiftSettings),
        .testTarget(
            name: "PortraitIntakeTests",
            dependencies: [
                "PortraitIntake", "PortraitCore", "PortraitTesting", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PortraitIdentityTests",
            dependencies: ["PortraitIdentity", "PortraitCore", "PortraitStore", "PortraitStoreSQLite", "PortraitTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PortraitProfilesTests",
            dependencies: [
                "PortraitProfiles", "PortraitIdentity", "PortraitCore", "PortraitStore", "PortraitStoreSQLite", "PortraitTesting",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "PortraitWorldTests", dependencies: ["PortraitWorld", "PortraitCore"], swiftSettings: swiftSettings),
        .testTarget(name: "ConnectorScaffoldingTests", dependencies: ["ConnectorScaffolding"], swiftSettings: swiftSettings),
        .testTarget(
            name: "PortraitServiceTests",
            dependencies: [
                "PortraitService", "PortraitTesting", "PortraitMockCRM", "PortraitIntake", "PortraitHTTP", "portrait",
                "PortraitWorld", .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
