import { defineConfig } from 'drizzle-kit'

export default defineConfig({
  dialect: 'sqlite',
  schema: './appliance/db/schema.ts',
  out: './appliance/db/migrations',
  casing: 'snake_case',
})
