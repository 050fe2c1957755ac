// The script's API as the pages under test see it (docs/sdk.md#api).
declare const edgescore: {
  track(name: string, props?: object): void;
  identify(traits: object, options?: { signature?: string; expires?: number }): void;
  consent(granted: boolean): void;
  onStage(callback: (state: { stage: string }) => void): void;
  flush(): Promise<void>;
  reset(): void;
  stage: { stage: string; score: { fit: number; engagement: number; total: number }; mql: boolean } | null;
};
