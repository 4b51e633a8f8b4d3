// swift-tools-version:6.0
import PackageDescription

// Data flows one way: each target depends only on targets listed before it
// (see Docs/Architecture.md). No package dependencies by design.
let package = Package(
    name: "Rounds",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "rounds", targets: ["rounds"]),
        .executable(name: "rounds-sandbox", targets: ["rounds-sandbox"]),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        .systemLibrary(name: "CNCurses", path: "Sources/CNCurses"),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto"),
        // HTTP: libcurl directly, so a body is bounded while it arrives (libcurl4-openssl-dev).
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl"),
        // The screen lock asks PAM for the workstation user's password (libpam0g-dev).
        .systemLibrary(name: "CPAM", path: "Sources/CPAM"),
        // The team database: PostgreSQL through libpq (libpq-dev).
        .systemLibrary(name: "CPostgres", path: "Sources/CPostgres", pkgConfig: "libpq"),
        .target(name: "JSONKit"),
        // Text made safe for a terminal: the one place control and bidi characters are replaced.
        .target(name: "TextSafety"),
        // JWK and JWS (ES384, RS384) on libcrypto, for SMART Backend Services: the client signs,
        // the sandbox verifies.
        .target(name: "JOSE", dependencies: ["JSONKit", "CCrypto"]),
        .target(name: "Clinical"),
        .target(name: "FHIRAdapters", dependencies: ["Clinical", "JSONKit"]),
        .target(name: "FHIRClient", dependencies: ["FHIRAdapters", "Clinical", "JOSE", "CCurl"]),
        .target(name: "Store", dependencies: ["Clinical", "JSONKit", "CSQLite", "CCrypto", "CPostgres"]),
        .target(
            name: "RoundsCore",
            dependencies: [
                "Clinical", "JSONKit", "FHIRAdapters", "FHIRClient", "Store", "JOSE", "TextSafety",
                "CCrypto", "CPAM",
            ]),
        .target(name: "ScreenKit", dependencies: ["TextSafety"]),
        .target(name: "TUI", dependencies: ["RoundsCore", "ScreenKit"]),
        .target(name: "CursesBackend", dependencies: ["ScreenKit", "CNCurses"]),
        .target(name: "Sandbox", dependencies: ["FHIRAdapters", "Clinical", "CCrypto", "JOSE"]),
        .executableTarget(
            name: "rounds",
            dependencies: [
                "JSONKit", "RoundsCore", "TUI", "CursesBackend", "FHIRClient", "FHIRAdapters", "Store", "Clinical",
                "ScreenKit",
                "JOSE", "TextSafety",
            ]),
        .executableTarget(name: "rounds-sandbox", dependencies: ["Sandbox"]),
        .target(
            name: "TestSupport", dependencies: ["Clinical", "FHIRAdapters", "Sandbox", "CSQLite"],
            path: "Tests/TestSupport"),
        // Measurements for `make bench` (not a product; lives with the tests).
        .executableTarget(
            name: "rounds-bench",
            dependencies: [
                "Clinical", "Store", "RoundsCore", "TUI", "ScreenKit", "CursesBackend", "FHIRClient", "FHIRAdapters",
            ],
            path: "Tests/Benchmarks"),
        .testTarget(name: "ClinicalTests", dependencies: ["Clinical"]),
        .testTarget(name: "JOSETests", dependencies: ["JOSE", "JSONKit", "TestSupport"]),
        .testTarget(
            name: "FHIRAdaptersTests",
            dependencies: ["FHIRAdapters", "Clinical", "TestSupport", "FHIRClient", "RoundsCore"]),
        .testTarget(
            name: "FHIRClientTests",
            dependencies: ["TestSupport", "FHIRClient", "FHIRAdapters", "Clinical", "Sandbox", "JOSE"]),
        .testTarget(name: "StoreTests", dependencies: ["TestSupport", "Store", "Clinical", "CSQLite", "JSONKit"]),
        .testTarget(
            name: "RoundsCoreTests",
            dependencies: [
                "TestSupport", "RoundsCore", "Store", "Clinical", "Sandbox", "FHIRClient", "FHIRAdapters", "JOSE",
                "JSONKit",
            ],
            exclude: ["ErrorMessages.tsv"]),
        .testTarget(name: "ScreenKitTests", dependencies: ["ScreenKit", "TextSafety"]),
        .testTarget(
            name: "TUITests", dependencies: ["TestSupport", "TUI", "ScreenKit", "RoundsCore", "Clinical", "Store"],
            exclude: ["Snapshots"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "TestSupport", "Store", "CSQLite", "Clinical", "FHIRAdapters", "Sandbox",
                "RoundsCore", "TUI", "ScreenKit", "FHIRClient", "TextSafety",
            ]),
    ],
    swiftLanguageModes: [.v6]
)
