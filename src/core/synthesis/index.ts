// The synthesis: effect sizes, pooling and the analyses of review.yaml (one entry point for CLI, server, webview).
export * from './analysis';
export * from './analysisConfig';
export * from './combineGroups';
export * from './distributions';
export * from './effectSize';
export * from './pomp';
export * from './pooling';
