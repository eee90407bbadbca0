// Stand-in for the `server-only` marker package outside React Server Components.
export {};
