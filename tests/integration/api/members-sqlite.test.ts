import { defineMembersSuite } from "./members-suite";

defineMembersSuite(async () => undefined);
