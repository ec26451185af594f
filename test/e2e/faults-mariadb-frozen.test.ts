import { faultSuite } from '../support/fault-suite';

// The fault scenarios are spread over four files; which are here: FAULT_FILES in fault-suite.ts.
faultSuite('mariadb-frozen');
