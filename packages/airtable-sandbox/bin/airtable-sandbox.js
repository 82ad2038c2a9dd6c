#!/usr/bin/env node
// The command's entry, kept outside dist/ so that npm links it at install time, before any build.
require('../dist/cli.js');
