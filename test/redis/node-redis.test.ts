import { fleetSuite } from './fleet-suite.js';

fleetSuite('node-redis');
