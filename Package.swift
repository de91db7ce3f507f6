// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "PoolDesk",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "pooldesk", targets: ["pooldesk"]),
        .library(name: "PoolEngine", targets: ["PoolEngine"]),
        .library(name: "PoolDeskCLI", targets: ["PoolDeskCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-numerics.git", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        // Tests only: a self-signed certificate for the TLS test, made in the test (no openssl needed).
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
    ],
    targets: [
        .systemLibrary(
            name: "CNcurses",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncurses-dev"])]
        ),
        // The signal handlers' state, in one C file so the process has exactly one copy (see its header).
        .target(name: "CTerminalSignals", dependencies: ["CNcurses"]),
        .target(
            name: "PoolEngine",
            dependencies: [
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "RealModule", package: "swift-numerics"),
            ]
        ),
        .target(
            name: "PoolDeskAPI",
            dependencies: [
                "PoolEngine",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "PoolDeskUI",
            dependencies: ["PoolEngine", "TOMLKit"],
            // The compiled-in default theme (Theme.defaultSource); themes/default.toml is a byte-identical copy.
            resources: [.embedInCode("Resources/default.toml")]
        ),
        .target(
            name: "PoolDeskTerminal",
            dependencies: ["CNcurses", "CTerminalSignals", "PoolDeskUI"]
        ),
        .target(
            name: "PoolDeskJournal",
            dependencies: [
                "PoolEngine",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // `pooldesk serve`: the HTTP/WebSocket shell around PoolDeskAPI; all protocol logic stays in PoolDeskAPI.
        .target(
            name: "PoolDeskServer",
            dependencies: [
                "PoolEngine", "PoolDeskAPI", "PoolDeskJournal",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "PoolDeskCLI",
            dependencies: [
                "PoolEngine", "PoolDeskUI", "PoolDeskTerminal", "PoolDeskJournal", "PoolDeskAPI", "PoolDeskServer", "TOMLKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // `pooldesk connect` and `pooldesk bench serve`'s clients (ws:// and wss:// through swift-nio-ssl).
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                // `pooldesk bench serve` and `bench-connect`: the service group they run the server in.
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(name: "pooldesk", dependencies: ["PoolDeskCLI"]),
        .testTarget(
            name: "PoolEngineTests",
            dependencies: ["PoolEngine", .product(name: "PropertyBased", package: "swift-property-based")],
            exclude: ["Reference"]
        ),
        .testTarget(name: "PoolDeskAPITests", dependencies: ["PoolDeskAPI", "PoolEngine",
                                                               .product(name: "PropertyBased", package: "swift-property-based")],
                    exclude: ["Golden"]),
        .testTarget(name: "PoolDeskServerTests", dependencies: [
            "PoolDeskServer", "PoolDeskAPI", "PoolDeskJournal", "PoolEngine",
            .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "PoolDeskUITests", dependencies: ["PoolDeskUI", "PoolEngine"], exclude: ["Golden"]),
        .testTarget(name: "PoolDeskCLITests", dependencies: [
            "PoolDeskCLI", "PoolEngine", "PoolDeskUI", "PoolDeskTerminal", "PoolDeskJournal", "PoolDeskAPI", "PoolDeskServer",
            .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ], exclude: ["Fixtures"]),
        // PoolDeskCLI for the desk drill script, test scaffolding kept in the shell (see DeskDrillScript.swift).
        .testTarget(name: "PoolDeskJournalTests", dependencies: ["PoolDeskJournal", "PoolEngine", "PoolDeskCLI",
                                                                   .product(name: "GRDB", package: "GRDB.swift")], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
