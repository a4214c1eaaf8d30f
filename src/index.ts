// Every handler that manifest.yml names, and nothing else.
export {};
