// Package rewrite is concfix's engine: it loads packages, runs the fixers (analyzers) on
// them, merges and verifies their fixes, and gives the findings and the new content of
// the files, which the caller prints as diffs or writes.
//
// A run, from patterns to written files, step by step (the file of each step in
// brackets):
//
//  1. Run takes Options: patterns, build flags, analyzers, the result cache [api.go]. It
//     makes listings of the patterns [run.go, list.go]: package patterns are listed from
//     Options.Dir; a named .go file from the module that holds it, as its whole package
//     (its directory), the findings being narrowed to the named files later; the named
//     files outside any module, and those that build constraints exclude, as an ad-hoc
//     package per directory, as go vet lists them.
//  2. runListing lists the packages with go list (-deps -test), and reports each pattern
//     that matched nothing [list.go]. Each package is grouped with its test variants
//     (groupPath), and a package whose cache key (its files and all its dependencies'
//     files) has an entry takes its findings and fixed files from the cache [cache.go].
//     The packages left are listed again with the files the compiler sees [list.go]; the
//     go command builds the export data of the plain packages they import, and the build
//     errors of those that do not build are reported once [load.go]; the packages are cut
//     into batches of bounded size [run.go].
//  3. Each batch is type-checked from source, its dependencies from export data
//     [load.go, exportdata.go], and analysed in rounds [run.go]: roots picks the packages
//     to analyse (a package's test variant in place of the package) and reports those
//     that do not parse or type-check [findings.go]; each root is analysed by the
//     analyzers and their requirements with concfix's own pass driver [analyze.go].
//  4. apply merges the results [merge.go]: every diagnostic becomes a Finding, once
//     across variants and rounds, unless it is in a generated file [findings.go]; its
//     suggested fix becomes a candidate of byte edits, refused in a generated file, a cgo
//     file or a file not named; of overlapping candidates the first is kept. Shares of
//     whole-program fixes (fixkit.Parts) are kept for later [group.go].
//  5. verify applies the kept candidates to the current content, removes the imports
//     whose last use they removed together [imports.go], gofmt-formats files that
//     were gofmt-clean, re-parses them and type-checks again every package that holds a
//     changed file; a candidate that breaks the build is dropped and reported, and the
//     others' content goes into the overlay [verify.go]. Packages whose fixes overlapped
//     are loaded again with the overlay and analysed again, up to maxRounds [run.go]: the
//     positions of their findings and fixes, in the fixed content, are mapped back to the
//     original files [origin.go].
//  6. The outcome of each package of the batch is stored in the result cache [cache.go];
//     the batch is released.
//  7. After every batch, whole-program fixes are assembled from their shares, rebased on
//     the fixes since applied, and verified by loading their packages again [group.go].
//  8. result sorts the findings and gives the changed files [findings.go]. Every position
//     refers to the original file, and the edits of the fixed findings add up to the
//     changes: applied to the original files (identical edits once), they give the new
//     content [origin.go].
//
// The caller prints UnifiedDiff [unified.go] or writes each Change with WriteFile, which
// replaces a file atomically, through symbolic links, and refuses when it changed
// meanwhile [write.go]. FixFile is the engine without the build system, for one file
// [fixfile.go].
package rewrite
