package io.lorastream.cli;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** {@code Databases <server-jdbc-url> <user> <password> <db>...}: creates the service databases when missing. */
public final class Databases {
    private Databases() {}

    public static void main(String[] args) throws SQLException {
        String server = args[0], user = args[1], password = args.length > 2 ? args[2] : "";
        try (Connection c = DriverManager.getConnection(server + "postgres", user, password)) {
            for (int i = 3; i < args.length; i++) {
                String db = args[i];
                if (!db.matches("[a-z_][a-z0-9_]*")) {
                    throw new IllegalArgumentException("not a plain database name: " + db);
                }
                try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                    q.setString(1, db);
                    try (ResultSet rs = q.executeQuery()) {
                        if (rs.next()) {
                            continue;
                        }
                    }
                }
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE " + db);
                    System.out.println("[lorastream] created database " + db);
                }
            }
        }
    }
}
