// Runs in every integration test file. Its afterAll is registered first, so it runs after the
// file's own (which stop the file's daemons and remove their containers).
import { afterAll } from "vitest";
import { removeSeededAppImages } from "./seeded-app-images";

afterAll(removeSeededAppImages);
