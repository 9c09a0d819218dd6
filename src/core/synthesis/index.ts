// The synthesis: effect sizes, pooling and the analyses of review.yaml (one entry point for CLI, server, webview).
export * from './analysis';
export * from './analysisConfig';
export * from './stats/combineGroups';
export * from './stats/distributions';
export * from './stats/effectSize';
export * from './stats/pomp';
export * from './stats/pooling';
