extension Theme {
    /// The source of the default theme, compiled in so the program starts even without its themes folder.
    ///
    /// SwiftPM embeds `Sources/PoolDeskUI/Resources/default.toml` byte for byte (`.embedInCode` in Package.swift).
    /// `themes/default.toml`, the copy users read and the catalog lists, must stay byte-identical to it; a test
    /// (`ThemeLoadingTests.compiledInDefaultMatchesThemesFolder`) fails otherwise.
    public static let defaultSource = String(decoding: PackageResources.default_toml, as: UTF8.self)
}
